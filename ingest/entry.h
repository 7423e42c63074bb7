/*
 * A stream entry: what publish writes to the Redis stream for a commit
 * of the origin, and what replicate applies (docs/scale.md, "The
 * entry").  Its stream ID is CURSOR-SEQ: CURSOR the origin's newest tick
 * id after the entry, SEQ 0 for an entry with ticks, 1, 2 ... for one
 * that only carries a new prune (the cursor did not move).  Fields, all
 * present, each once, ASCII:
 *
 *   v      2
 *   epoch  the origin store's identity (meta epoch), 1..2^63-1
 *   prev   the stream ID of the entry before it (0-0: none)
 *   t      the origin's clock (ms) when publish read the commit
 *   prune  TS,ID: the origin's last complete prune deleted every tick
 *          with ts < TS and id <= ID (0,0: none yet); ID <= CURSOR
 *   tz     the origin's trading zone (settings tz) as of the entry: a
 *          name by the rule of tzcal_known (the file is not looked at)
 *   syms   ID:SYMBOL:DECIMALS, space-separated: every symbol the ticks
 *          name, with the origin's symbol id and print decimals
 *   ticks  one line per tick, ending in \n: SYMBOL_ID,TS,PRICE,SIZE,NKEY
 *          (price scaled by 10^8, nkey the natural key part); the ids
 *          are implicit: prev's cursor + 1 .. CURSOR, one each
 *
 * An entry with ticks has SEQ 0 and holds CURSOR - prev's cursor of them,
 * at most ENTRY_TICKS_MAX (a bigger commit becomes several entries); one
 * without (a new prune or a new zone) has prev's cursor as its CURSOR and
 * empty syms and ticks.
 *
 * entry_parse() is the only reader of untrusted stream bytes: it checks
 * everything above and every number's range, and never reads past the
 * lengths it is given.
 */
#ifndef INGEST_ENTRY_H
#define INGEST_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tzcal.h"
#include "valid.h"

#define ENTRY_VERSION		2
#define ENTRY_TICKS_MAX		1000
#define ENTRY_ID_BUFSZ		48	/* "MS-SEQ" + NUL */
#define ENTRY_WHYSZ		256

/* The fields in the order publish writes them. */
enum entry_field {
	ENTRY_F_V,
	ENTRY_F_EPOCH,
	ENTRY_F_PREV,
	ENTRY_F_T,
	ENTRY_F_PRUNE,
	ENTRY_F_TZ,
	ENTRY_F_SYMS,
	ENTRY_F_TICKS,
	ENTRY_F__MAX
};

extern const char *const entry_field_names[ENTRY_F__MAX];

/* A Redis stream ID. */
struct entry_id {
	int64_t	ms;	/* the origin's cursor */
	int64_t	seq;
};

struct entry_sym {
	int64_t	id;
	char	name[SYMBOL_MAX + 1];
	int	decimals;
};

struct entry_tick {
	int64_t	sid, ts, price, size, nkey;
};

struct entry {
	struct entry_id		id, prev;
	int64_t			epoch;
	int64_t			t;
	int64_t			prune_ts, prune_id;
	char			tz[TZ_NAME_MAX + 1];
	size_t			nsyms, nticks;
	struct entry_sym	syms[ENTRY_TICKS_MAX];
	struct entry_tick	ticks[ENTRY_TICKS_MAX];
};

/* One field as Redis hands it over: bytes and lengths, no NUL needed. */
struct entry_kv {
	const char	*key, *val;
	size_t		 klen, vlen;
};

/* -1, 0, 1 as a is before, equal to or after b. */
int	entry_id_cmp(struct entry_id a, struct entry_id b);
/* Parses "MS-SEQ" (each 0..2^63-1, digits only); 0 or -1. */
int	entry_id_parse(const char *s, size_t len, struct entry_id *);
/* Writes "MS-SEQ" into buf[ENTRY_ID_BUFSZ]; returns buf. */
char	*entry_id_format(struct entry_id, char *buf);

/*
 * Fills e from the stream ID and the nkv fields.  Returns 0, or -1 with
 * the field, line and reason in why[ENTRY_WHYSZ].
 */
int	entry_parse(struct entry *e, const char *id, size_t idlen,
	    const struct entry_kv *kv, size_t nkv, char *why);

/*
 * The value of each field of e into val[ENTRY_F__MAX] (reset first);
 * 0, or -1 when out of memory.
 */
int	entry_encode(const struct entry *e, struct buf val[ENTRY_F__MAX]);

/* The symbol of e with origin id sid, or NULL. */
const struct entry_sym *entry_sym(const struct entry *e, int64_t sid);

#endif
