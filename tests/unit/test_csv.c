/* ingest/csv_src.c through the line reader: every boundary of issue 2. */
#include <stdlib.h>
#include <string.h>

#include "ingest_feed.h"
#include "tap.h"

#define T0	1764322200000LL
#define TS	"1764322200000"	/* a time where the time is not the point */

static void
expect(const struct feed *f, int nticks, int nrejects, enum src_status st,
    const char *what)
{
	tap_is_int(f->nticks, nticks, "%s: ticks", what);
	tap_is_int(f->nrejects, nrejects, "%s: rejects", what);
	tap_is_int(f->status, st, "%s: status", what);
}

static void
test_empty(void)
{
	struct feed f;

	feed(&f, SRC_CSV, "", 0);
	expect(&f, 0, 0, SRC_OK, "empty file");
	FEED(&f, SRC_CSV, "symbol,ts,price,size\n");
	expect(&f, 0, 0, SRC_OK, "header only");
	FEED(&f, SRC_CSV, "symbol,ts,price");
	expect(&f, 0, 0, SRC_OK, "header only, no newline");
	FEED(&f, SRC_CSV, "\n\n");
	expect(&f, 0, 0, SRC_OK, "blank lines only");
}

static void
test_basic(void)
{
	struct feed f;

	FEED(&f, SRC_CSV, "symbol,ts,price,size\nAAPL,1764322200000,101.23,100\n"
	    "\nMSFT,2025-11-28T09:30:00.123Z,415.1,7");
	expect(&f, 2, 0, SRC_OK, "two rows, a blank line, no final newline");
	tap_is_str(f.ticks[0].symbol, "AAPL", "symbol");
	tap_is_int(f.ticks[0].ts, T0, "ts in ms");
	tap_is_int(f.ticks[0].price, 10123000000LL, "price exact");
	tap_is_int(f.ticks[0].decimals, 2, "decimals as written");
	tap_is_int(f.ticks[0].size, 100, "size");
	tap_is_int(f.ticks[0].nkey, tick_hash_nkey(10123000000LL, 100),
	    "no seq: nkey is the price/size hash");
	tap_ok(f.ticks[0].nkey < 0, "hash nkey is negative");
	tap_is_int(f.lines[1], 4, "line numbers count the blank line");
	tap_is_int(f.ticks[1].ts, T0 + 123, "ISO-8601 ts");
	tap_is_int(f.ticks[1].decimals, 1, "415.1 has one decimal");
}

static void
test_columns(void)
{
	struct feed f;

	FEED(&f, SRC_CSV, "Price,SEQ,size,ts,symbol,exchange\n"
	    "1.5,42,10," TS ",EURUSD,XNYS\n");
	expect(&f, 1, 0, SRC_OK, "reordered, any case, extra column");
	tap_is_int(f.ticks[0].price, 150000000, "price from its column");
	tap_is_int(f.ticks[0].nkey, 42, "seq is the nkey");
	tap_is_str(f.ticks[0].symbol, "EURUSD", "symbol from the last column");
	FEED(&f, SRC_CSV, "symbol,ts,price\nA," TS ",2\n");
	expect(&f, 1, 0, SRC_OK, "size optional");
	tap_is_int(f.ticks[0].size, 0, "absent size is 0");
	FEED(&f, SRC_CSV, "symbol,ts,size\nA,1,2\n");
	expect(&f, 0, 1, SRC_FATAL, "missing price column");
	tap_is_str(f.rejects[0], "1: header lacks column 'price' (needs "
	    "symbol, ts, price; size, seq optional)", "says which column");
	FEED(&f, SRC_CSV, "symbol,ts,price,ts\nA,1,2,3\n");
	expect(&f, 0, 1, SRC_FATAL, "column named twice");
	tap_is_str(f.rejects[0], "1: header names column 'ts' twice",
	    "says which");
	FEED(&f, SRC_CSV, "symbol,ts,price\nA," TS ",2,3\nB," TS "\n"
	    "C," TS ",2\n");
	expect(&f, 1, 2, SRC_OK, "extra and missing fields");
	tap_is_str(f.rejects[0], "2: more fields than the header has columns",
	    "extra field");
	tap_is_str(f.rejects[1], "3: fewer fields than the header has columns",
	    "missing field");
	tap_is_int(f.lines[0], 4, "the good row after them");
	FEED(&f, SRC_CSV, "symbol,ts,price,size,seq\nA," TS ",2,,\n");
	expect(&f, 1, 0, SRC_OK, "empty optional fields");
	tap_ok(f.ticks[0].seq == -1 && f.ticks[0].nkey < 0,
	    "empty seq is no seq");
}

static void
test_crlf_bom_quotes(void)
{
	struct feed f;

	FEED(&f, SRC_CSV, "\xEF\xBB\xBFsymbol,ts,price\r\nA," TS ",2.50\r\n"
	    "B," TS ",3\r\n");
	expect(&f, 2, 0, SRC_OK, "BOM and CRLF");
	tap_is_int(f.ticks[0].decimals, 2, "CR not in the price");
	tap_is_int(f.lines[1], 3, "CRLF line numbers");
	FEED(&f, SRC_CSV, "symbol,ts,price,note\n\"A\",\"" TS "\",\"2.5\",\"a, \"\"b\"\"\"\n"
	    "B," TS ",3,\"two\nlines\"\nC," TS ",4,x\n");
	expect(&f, 3, 0, SRC_OK, "quoted fields, embedded newline");
	tap_is_int(f.lines[1], 3, "a record reports its first line");
	tap_is_int(f.lines[2], 5, "the next record after the joined lines");
	FEED(&f, SRC_CSV, "symbol,ts,price\nA," TS ",\"2.5\"x\nB," TS ",3\n");
	expect(&f, 1, 1, SRC_OK, "malformed quote");
	tap_is_str(f.rejects[0], "2: malformed quoting", "refused at its line");
	tap_is_str(f.ticks[0].symbol, "B", "parsing goes on after it");
	FEED(&f, SRC_CSV, "symbol,ts,price\nA," TS ",\"2.5\n");
	expect(&f, 0, 1, SRC_OK, "unterminated quote at the end");
	tap_is_str(f.rejects[0], "2: unterminated quoted field at the end "
	    "of input", "reason");
}

static void
test_long_and_utf8(void)
{
	struct feed	 f;
	char		*buf;
	size_t		 n, pad;

	for (pad = 0; pad < 2; pad++) {
		buf = malloc(10000);
		n = (size_t)sprintf(buf, "symbol,ts,price,note\n");
		n += (size_t)sprintf(buf + n, "A," TS ",2,");
		/* line 2 is exactly 4096 bytes, then 4097 */
		memset(buf + n, 'x', 4096 - strlen("A," TS ",2,") + pad);
		n += 4096 - strlen("A," TS ",2,") + pad;
		n += (size_t)sprintf(buf + n, "\nB," TS ",3,y\n");
		feed(&f, SRC_CSV, buf, n);
		if (pad == 0) {
			expect(&f, 2, 0, SRC_OK, "a 4096-byte line is taken");
		} else {
			expect(&f, 1, 1, SRC_OK, "a 4097-byte line is refused");
			tap_is_str(f.rejects[0], "2: line longer than 4096 bytes",
			    "FILE:LINE reason");
			tap_is_int(f.lines[0], 3, "the next line keeps its number");
		}
		free(buf);
	}
	FEED(&f, SRC_CSV, "symbol,ts,price,note\nA," TS ",2,caf\xe9\n"
	    "B," TS ",3,caf\xc3\xa9\n");
	expect(&f, 1, 1, SRC_OK, "non-UTF-8 line refused");
	tap_is_str(f.rejects[0], "2: not UTF-8", "reason");
}

static void
test_values(void)
{
	static const struct { const char *row, *why; } bad[] = {
		{ "aapl," TS ",2", "symbol: not 1..16 of A-Z 0-9 . - _ ^ =" },
		{ "ABCDEFGHIJKLMNOPQ," TS ",2",
		  "symbol: not 1..16 of A-Z 0-9 . - _ ^ =" },
		{ "A,x,2", "ts: not an integer (see --ts-unit) or ISO-8601 UTC" },
		{ "A,-1,2", "ts: -1 ms since the epoch is before "
		  "1980-01-01T00:00:00Z, the earliest integer ts taken" },
		{ "A,1,2", "ts: 1 ms since the epoch is before "
		  "1980-01-01T00:00:00Z, the earliest integer ts taken" },
		{ "A," TS ",1e2", "price: price is not a plain decimal" },
		{ "A," TS ",nan", "price: price is not a plain decimal" },
		{ "A," TS ",0.000000001", "price: price has more than 8 decimals" },
		{ "A," TS ",2,-5", "size: not an integer in 0..1000000000000" },
		{ "A," TS ",2,1.5", "size: not an integer in 0..1000000000000" },
		{ "A,,2", "ts: not an integer (see --ts-unit) or ISO-8601 UTC" },
	};
	struct feed	f;
	char		buf[256];
	size_t		i;
	int		n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = snprintf(buf, sizeof(buf), "symbol,ts,price,size\n%s%s\n",
		    bad[i].row, strchr(strchr(strchr(bad[i].row, ',') + 1, ',')
		    + 1, ',') ? "" : ",");
		feed(&f, SRC_CSV, buf, (size_t)n);
		tap_is_int(f.nrejects, 1, "refused: %s", bad[i].row);
		snprintf(buf, sizeof(buf), "2: %s", bad[i].why);
		tap_is_str(f.rejects[0], buf, "reason for %s", bad[i].row);
	}
}

/*
 * A last line without its newline is being written: held back (never a
 * tick, never a refusal) in a plain import, taken as it is by --complete.
 */
static void
test_hold(void)
{
	struct feed f;

	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price");
	expect(&f, 0, 0, SRC_OK, "held: header only, no newline");
	tap_is_int(f.held, 1, "the header line is held");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price,size\nAAPL," TS ",107.08,5\n"
	    "AAPL,1764322200001,107.08,201");
	expect(&f, 1, 0, SRC_OK, "held: the half-written last line");
	tap_is_int(f.held, 3, "held at its line");
	tap_is_int(f.ticks[0].size, 5, "the whole line before it is stored");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price,size\nAAPL," TS ",107.08,5\n"
	    "AAPL,1764322200001,107.08,20108\n");
	expect(&f, 2, 0, SRC_OK, "completed, the line is a tick");
	tap_is_int(f.held, 0, "nothing held");
	tap_is_int(f.ticks[1].size, 20108, "with its whole size");
	FEED(&f, SRC_CSV, "symbol,ts,price,size\nAAPL," TS ",107.08,201");
	expect(&f, 1, 0, SRC_OK, "--complete takes the line as it is");
	tap_is_int(f.ticks[0].size, 201, "as it is");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price\r\nA," TS ",2.50\r");
	expect(&f, 0, 0, SRC_OK, "held: CRLF line cut before its LF");
	tap_is_int(f.held, 2, "(libcsv alone would end the record at CR)");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price\r\nA," TS ",2.50\r\n");
	expect(&f, 1, 0, SRC_OK, "CRLF line whole");
	tap_is_int(f.held, 0, "nothing held");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price,note\nA," TS ",1,x\n"
	    "B," TS ",3,\"two\nlines\"");
	expect(&f, 1, 0, SRC_OK, "held: a quoted record whose last line is cut");
	tap_is_int(f.held, 3, "reported at the record's first line");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price,note\nA," TS ",1,x\n"
	    "B," TS ",3,\"two\nli");
	expect(&f, 1, 0, SRC_OK, "held: cut inside the quoted field");
	tap_is_int(f.held, 3, "at the record's first line");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price,note\nA," TS ",1,x\n"
	    "B," TS ",3,\"two\nlines\"\n");
	expect(&f, 2, 0, SRC_OK, "the quoted record completed");
	tap_is_int(f.lines[1], 3, "at its first line");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price,note\nA," TS ",1,x\n"
	    "B," TS ",3,\"two\n");
	expect(&f, 1, 1, SRC_OK, "every line whole, a quote open at the end");
	tap_is_str(f.rejects[0], "3: unterminated quoted field at the end of "
	    "input", "is refused, not held");
	tap_is_int(f.held, 0, "nothing held");
	FEED_HOLD(&f, SRC_CSV, "symbol,ts,price\nA," TS ",1\n\n");
	expect(&f, 1, 0, SRC_OK, "a file ending in a blank line");
	tap_is_int(f.held, 0, "holds nothing");
	FEED_HOLD(&f, SRC_CSV, "\xEF\xBB");
	tap_is_int(f.held, 1, "half a BOM is held");
}

int
main(void)
{
	test_empty();
	test_basic();
	test_columns();
	test_crlf_bom_quotes();
	test_long_and_utf8();
	test_values();
	test_hold();
	return tap_done();
}
