/*
 * publish's state, shared by its two halves: publish.c (Redis: the
 * stream's top, XADD, reconnections, the loop) and publish_store.c
 * (the store: one read transaction builds the next entry).  Private to
 * them; the command's interface is ingest.h.
 */
#ifndef INGEST_PUBLISH_INT_H
#define INGEST_PUBLISH_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "buf.h"
#include "dbnotify.h"
#include "entry.h"
#include "ingest.h"
#include "rconn.h"

enum pub_stmt {
	PS_BEGIN,
	PS_COMMIT,
	PS_CURSOR,
	PS_META,
	PS_TICKS,
	PS_STMT__MAX
};

/* What a read of the store found to publish. */
enum pub_read {
	PR_NOTHING,
	PR_ENTRY,	/* p->e is the next entry */
	PR_DB,		/* a database error (logged) */
	PR_GAP,		/* ticks pruned before they were published */
	PR_BEHIND,	/* the store is behind the stream */
};

struct pub {
	const struct ingest_config *cfg;
	sqlite3		*db;
	sqlite3_stmt	*st[PS_STMT__MAX];
	struct rconn	 r;
	struct dbnotify	 notify;
	int64_t		 epoch;
	struct entry_id	 pos;		/* the stream's top, as we know it */
	int64_t		 prune_ts, prune_id;	/* what pos carries */
	char		 tz[TZ_NAME_MAX + 1];	/* likewise */
	struct entry_id	 acked;		/* highest ID Redis took from us */
	struct entry	*e;
	struct buf	 val[ENTRY_F__MAX];
	char		 maxlen[24];
	long long	 entries, ticks, prunes, refused, resent;
};

/* Opens the store read-only and reads its epoch; INGEST_EXIT_*. */
int		pub_store_open(struct pub *);
/* The store's cursor (its newest tick id) into *cursor; 0 or -1. */
int		pub_store_cursor(struct pub *, int64_t *cursor);
/* Reads the store in one transaction and builds the next entry in p->e. */
enum pub_read	pub_read(struct pub *);
void		pub_store_close(struct pub *);

#endif
