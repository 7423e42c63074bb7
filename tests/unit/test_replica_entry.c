/*
 * Stream entries (ingest/entry.c): what publish writes reads back the
 * same, byte for byte; every field's boundaries; the rules between
 * fields (ids implicit from prev and the cursor, prune within the
 * cursor, every symbol listed and used); the zone's name; a refusal
 * names the field.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "tap.h"

/* The fields of a good entry with two ticks after 10-0, as text. */
static const char *good[ENTRY_F__MAX] = {
	"2", "42", "10-0", "1767225600000", "1767000000000,9",
	"America/New_York", "3:AAPL:2 7:BRK.A:0",
	"3,1767225600000,10123000000,100,-5\n7,1767225600001,-1,0,12\n",
};
#define GOOD_ID "12-0"

static struct entry e;
static char why[ENTRY_WHYSZ];

/* Parses the fields v (NULL: left out) with the stream ID id. */
static int
parse(const char *id, const char *const v[ENTRY_F__MAX])
{
	struct entry_kv	kv[ENTRY_F__MAX];
	size_t		n = 0;
	int		f;

	for (f = 0; f < ENTRY_F__MAX; f++) {
		if (v[f] == NULL)
			continue;
		kv[n].key = entry_field_names[f];
		kv[n].klen = strlen(kv[n].key);
		kv[n].val = v[f];
		kv[n].vlen = strlen(v[f]);
		n++;
	}
	why[0] = '\0';
	return entry_parse(&e, id, strlen(id), kv, n, why);
}

/* The good entry with field f set to val. */
static int
with(const char *id, enum entry_field f, const char *val)
{
	const char *v[ENTRY_F__MAX];

	memcpy(v, good, sizeof(v));
	v[f] = val;
	return parse(id, v);
}

static void
test_roundtrip(void)
{
	struct buf	val[ENTRY_F__MAX];
	int		f, same = 1;

	memset(val, 0, sizeof(val));
	tap_is_int(parse(GOOD_ID, good), 0, "the good entry parses");
	tap_is_int(e.id.ms, 12, "its cursor");
	tap_is_int(e.prev.ms, 10, "prev");
	tap_is_int(e.epoch, 42, "epoch");
	tap_is_int(e.prune_ts, 1767000000000LL, "prune ts");
	tap_is_int(e.prune_id, 9, "prune id");
	tap_is_str(e.tz, "America/New_York", "the zone");
	tap_is_int(e.nsyms, 2, "two symbols");
	tap_is_str(entry_sym(&e, 7)->name, "BRK.A", "found by origin id");
	tap_ok(entry_sym(&e, 5) == NULL, "an id not listed: none");
	tap_is_int(e.nticks, 2, "two ticks");
	tap_is_int(e.ticks[0].price, 10123000000LL, "price");
	tap_is_int(e.ticks[0].nkey, -5, "negative nkey");
	tap_is_int(e.ticks[1].price, -1, "negative price");
	tap_is_int(entry_encode(&e, val), 0, "encodes");
	for (f = 0; f < ENTRY_F__MAX; f++)
		same &= strcmp(val[f].len ? val[f].p : "", good[f]) == 0;
	tap_ok(same, "and reads back byte for byte");
	for (f = 0; f < ENTRY_F__MAX; f++)
		buf_free(&val[f]);
}

static void
test_ids(void)
{
	struct entry_id	id;
	char		buf[ENTRY_ID_BUFSZ];

	tap_is_int(entry_id_parse("9223372036854775807-9223372036854775807",
	    39, &id), 0, "the largest ID");
	tap_is_str(entry_id_format(id, buf),
	    "9223372036854775807-9223372036854775807", "prints back");
	tap_is_int(entry_id_parse("9223372036854775808-0", 21, &id), -1,
	    "ms past int64: refused");
	tap_is_int(entry_id_parse("05-0", 4, &id), -1, "a leading zero");
	tap_is_int(entry_id_parse("5", 1, &id), -1, "no SEQ");
	tap_is_int(entry_id_parse("5-", 2, &id), -1, "an empty SEQ");
	tap_is_int(entry_id_parse("-5", 2, &id), -1, "an empty MS");
	tap_is_int(entry_id_parse("5-0-0", 5, &id), -1, "two dashes");
	tap_ok(entry_id_cmp((struct entry_id){ 5, 1 },
	    (struct entry_id){ 5, 0 }) > 0, "5-1 after 5-0");
	tap_ok(entry_id_cmp((struct entry_id){ 4, 9 },
	    (struct entry_id){ 5, 0 }) < 0, "4-9 before 5-0");
	tap_is_int(with("12-x", ENTRY_F_V, "2"), -1, "a bad stream ID");
}

static void
test_scalars(void)
{
	tap_is_int(with(GOOD_ID, ENTRY_F_V, "1"), -1,
	    "version 1 (no zone): refused");
	tap_ok(strstr(why, "v:") == why, "saying v (%s)", why);
	tap_is_int(with(GOOD_ID, ENTRY_F_V, "3"), -1, "version 3: refused");
	tap_is_int(with(GOOD_ID, ENTRY_F_V, "02"), -1, "version 02");
	tap_is_int(with(GOOD_ID, ENTRY_F_EPOCH, "0"), -1, "epoch 0");
	tap_is_int(with(GOOD_ID, ENTRY_F_EPOCH, "9223372036854775807"), 0,
	    "the largest epoch");
	tap_is_int(with(GOOD_ID, ENTRY_F_EPOCH, "-1"), -1, "a negative epoch");
	tap_is_int(with(GOOD_ID, ENTRY_F_T, "253402300799999"), 0, "t at 9999");
	tap_is_int(with(GOOD_ID, ENTRY_F_T, "253402300800000"), -1, "t past 9999");
	tap_is_int(with(GOOD_ID, ENTRY_F_PREV, "12-0"), -1, "prev = the ID");
	tap_ok(strstr(why, "prev") != NULL, "saying prev (%s)", why);
	tap_is_int(with(GOOD_ID, ENTRY_F_PREV, "x"), -1, "prev not an ID");
	tap_is_int(with(GOOD_ID, ENTRY_F_PRUNE, "0,0"), 0, "no prune: 0,0");
	tap_is_int(with(GOOD_ID, ENTRY_F_PRUNE, "5,12"), 0,
	    "a prune through the cursor");
	tap_is_int(with(GOOD_ID, ENTRY_F_PRUNE, "5,13"), -1,
	    "a prune beyond the cursor");
	tap_is_int(with(GOOD_ID, ENTRY_F_PRUNE, "5"), -1, "prune without id");
	tap_is_int(with(GOOD_ID, ENTRY_F_PRUNE, "5,6\n"), -1,
	    "prune with a newline");
	tap_is_int(with(GOOD_ID, ENTRY_F_PRUNE, "5,6,7"), -1, "three numbers");
	tap_is_int(with(GOOD_ID, ENTRY_F_PRUNE, ",6"), -1, "an empty ts");
}

static void
test_fields(void)
{
	const char	*v[ENTRY_F__MAX];
	struct entry_kv	 kv[ENTRY_F__MAX + 1];
	int		 f;

	memcpy(v, good, sizeof(v));
	v[ENTRY_F_SYMS] = NULL;
	tap_is_int(parse(GOOD_ID, v), -1, "a field missing");
	tap_is_str(why, "syms: missing", "says which");
	for (f = 0; f < ENTRY_F__MAX; f++)
		kv[f] = (struct entry_kv){ entry_field_names[f], good[f],
		    strlen(entry_field_names[f]), strlen(good[f]) };
	kv[ENTRY_F__MAX] = kv[ENTRY_F_T];
	tap_is_int(entry_parse(&e, GOOD_ID, 4, kv, ENTRY_F__MAX + 1, why), -1,
	    "a field twice");
	tap_is_str(why, "field 9: given twice", "says which");
	kv[ENTRY_F__MAX] = (struct entry_kv){ "x", "1", 1, 1 };
	tap_is_int(entry_parse(&e, GOOD_ID, 4, kv, ENTRY_F__MAX + 1, why), -1,
	    "an unknown field");
	kv[ENTRY_F__MAX] = (struct entry_kv){ "tick", "1", 4, 1 };
	tap_is_int(entry_parse(&e, GOOD_ID, 4, kv, ENTRY_F__MAX + 1, why), -1,
	    "a prefix of a field's name");
}

static void
test_syms(void)
{
	const char *one = "3,1767225600000,1,1,1\n";
	const char *v[ENTRY_F__MAX];

	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:2 7:BRK.A:0 9:X:0"), -1,
	    "a symbol no tick names");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:2"), -1,
	    "a tick whose symbol is not listed");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:2 7:BRK.A:0 "), -1,
	    "a trailing space");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, " 3:AAPL:2 7:BRK.A:0"), -1,
	    "a leading space");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:2  7:BRK.A:0"), -1,
	    "two spaces");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:2 3:BRK.A:0"), -1,
	    "an id twice");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:2 7:AAPL:0"), -1,
	    "a name twice");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:9 7:BRK.A:0"), -1,
	    "9 decimals");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL:8 7:BRK.A:0"), 0,
	    "8 decimals");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:aapl:2 7:BRK.A:0"), -1,
	    "a lower-case symbol");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "0:AAPL:2 7:BRK.A:0"), -1,
	    "symbol id 0");
	tap_is_int(with(GOOD_ID, ENTRY_F_SYMS, "3:AAPL 7:BRK.A:0"), -1,
	    "no decimals");
	memcpy(v, good, sizeof(v));
	v[ENTRY_F_TICKS] = one;
	v[ENTRY_F_SYMS] = "3:ABCDEFGHIJKLMNOP:0";
	tap_is_int(parse("11-0", v), 0, "a 16-byte symbol");
	v[ENTRY_F_SYMS] = "3:ABCDEFGHIJKLMNOPQ:0";
	tap_is_int(parse("11-0", v), -1, "a 17-byte symbol");
}

/* The good entry with one tick line. */
static int
one_tick(const char *line)
{
	const char *v[ENTRY_F__MAX];

	memcpy(v, good, sizeof(v));
	v[ENTRY_F_SYMS] = "3:AAPL:2";
	v[ENTRY_F_TICKS] = line;
	return parse("11-0", v);
}

static void
test_ticks(void)
{
	tap_is_int(one_tick("3,1767225600000,10123000000,100,-5\n"), 0,
	    "one tick");
	tap_is_int(one_tick("3,1767225600000,10123000000,100,-5"), -1,
	    "no newline at the end");
	tap_ok(strstr(why, "ticks: line 1") == why, "saying the line (%s)",
	    why);
	tap_is_int(one_tick("3,1767225600000,10123000000,100,-5,1\n"), -1,
	    "six numbers");
	tap_is_int(one_tick("3,1767225600000,10123000000,100\n"), -1,
	    "four numbers");
	tap_is_int(one_tick("3,253402300799999,1,1,1\n"), 0, "ts at 9999");
	tap_is_int(one_tick("3,253402300800000,1,1,1\n"), -1, "ts past 9999");
	tap_is_int(one_tick("3,0,999999999999999999,1,1\n"), 0,
	    "the largest price");
	tap_is_int(one_tick("3,0,1000000000000000000,1,1\n"), -1,
	    "one more");
	tap_is_int(one_tick("3,0,-999999999999999999,1,1\n"), 0,
	    "the most negative price");
	tap_is_int(one_tick("3,0,1,1000000000000,1\n"), 0, "the largest size");
	tap_is_int(one_tick("3,0,1,1000000000001,1\n"), -1, "one more");
	tap_is_int(one_tick("3,0,1,-1,1\n"), -1, "a negative size");
	tap_is_int(one_tick("3,0,1,1,-9223372036854775808\n"), 0,
	    "the smallest nkey");
	tap_is_int(one_tick("3,0,1,1,9223372036854775808\n"), -1,
	    "nkey past int64");
	tap_is_int(one_tick("3,0,1.5,1,1\n"), -1, "a decimal point");
	tap_is_int(one_tick("3,0, 1,1,1\n"), -1, "a space");
	tap_is_int(one_tick("3,0,1,1,1\r\n"), -1, "CRLF");
	tap_is_int(one_tick("4,0,1,1,1\n"), -1, "a symbol not listed");
	tap_is_int(with("13-0", ENTRY_F_V, "2"), -1,
	    "two ticks but the ID says three");
	tap_ok(strstr(why, "ticks: 2 lines") == why, "saying so (%s)", why);
	tap_is_int(with("12-1", ENTRY_F_V, "2"), -1,
	    "ticks in an entry with SEQ 1");
}

static void
test_sizes(void)
{
	struct buf	 t = BUF_INIT;
	const char	*v[ENTRY_F__MAX];
	char		 id[32];
	int		 i;

	for (i = 0; i < ENTRY_TICKS_MAX; i++)
		buf_printf(&t, "3,%d,1,1,1\n", i);
	memcpy(v, good, sizeof(v));
	v[ENTRY_F_SYMS] = "3:AAPL:2";
	v[ENTRY_F_TICKS] = t.p;
	snprintf(id, sizeof(id), "%d-0", 10 + ENTRY_TICKS_MAX);
	tap_is_int(parse(id, v), 0, "%d ticks", ENTRY_TICKS_MAX);
	buf_printf(&t, "3,%d,1,1,1\n", i);
	v[ENTRY_F_TICKS] = t.p;
	snprintf(id, sizeof(id), "%d-0", 11 + ENTRY_TICKS_MAX);
	tap_is_int(parse(id, v), -1, "%d ticks: refused", ENTRY_TICKS_MAX + 1);
	tap_is_str(why, "ticks: more than 1000 lines", "says so");
	buf_free(&t);
}

static void
test_prune_only(void)
{
	const char *v[ENTRY_F__MAX];

	memcpy(v, good, sizeof(v));
	v[ENTRY_F_SYMS] = "";
	v[ENTRY_F_TICKS] = "";
	v[ENTRY_F_PRUNE] = "1767000000000,10";
	tap_is_int(parse("10-1", v), 0, "a prune alone: SEQ 1, no ticks");
	tap_is_int(e.nticks + e.nsyms, 0, "nothing in it");
	tap_is_int(parse("11-0", v), -1, "no ticks but the cursor moves");
	v[ENTRY_F_PREV] = "10-3";
	tap_is_int(parse("10-4", v), 0, "after another prune at the cursor");
}

static void
test_tz(void)
{
	struct entry_kv	 kv[ENTRY_F__MAX];
	const char	*v[ENTRY_F__MAX];
	char		 z[80];
	int		 f;

	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "UTC"), 0, "tz UTC");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "Etc/GMT+5"), 0, "tz Etc/GMT+5");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "America/Argentina/Buenos_Aires"),
	    0, "three parts");
	memset(z, 'A', 64);
	z[64] = '\0';
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, z), 0,
	    "64 bytes (a name; the file is not looked at)");
	tap_is_int((int)strlen(e.tz), 64, "kept whole");
	z[64] = 'A';
	z[65] = '\0';
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, z), -1, "65 bytes");
	tap_ok(strstr(why, "tz:") == why, "saying tz (%s)", why);
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, ""), -1, "empty");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "/UTC"), -1, "absolute");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "UTC/"), -1, "a trailing /");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "America//New_York"), -1,
	    "an empty part");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "../etc/passwd"), -1, "a .. part");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "America/./X"), -1, "a . part");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "...x"), 0, "dots in a name");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "New York"), -1, "a space");
	tap_is_int(with(GOOD_ID, ENTRY_F_TZ, "UTC\n"), -1, "a newline");
	for (f = 0; f < ENTRY_F__MAX; f++)
		kv[f] = (struct entry_kv){ entry_field_names[f], good[f],
		    strlen(entry_field_names[f]), strlen(good[f]) };
	kv[ENTRY_F_TZ] = (struct entry_kv){ "tz", "UTC\0x", 2, 5 };
	tap_is_int(entry_parse(&e, GOOD_ID, 4, kv, ENTRY_F__MAX, why), -1,
	    "a NUL inside");
	memcpy(v, good, sizeof(v));
	v[ENTRY_F_SYMS] = "";
	v[ENTRY_F_TICKS] = "";
	v[ENTRY_F_PRUNE] = "0,0";
	v[ENTRY_F_TZ] = "Europe/Berlin";
	tap_is_int(parse("10-1", v), 0, "a new zone alone: SEQ 1, no ticks");
	tap_is_str(e.tz, "Europe/Berlin", "its zone");
	v[ENTRY_F_TZ] = NULL;
	tap_is_int(parse("10-1", v), -1, "no tz field");
	tap_is_str(why, "tz: missing", "says so");
}

int
main(void)
{
	test_roundtrip();
	test_ids();
	test_scalars();
	test_fields();
	test_syms();
	test_ticks();
	test_sizes();
	test_prune_only();
	test_tz();
	return tap_done();
}
