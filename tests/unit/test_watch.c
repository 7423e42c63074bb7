/*
 * The commit watcher (cgi-bin/watch.c) against a real SQLite store: a
 * writer connection commits as the ingest tool would, the watcher must
 * notice (inotify), read exactly the new ticks once, keep them formatted
 * in its ring, and fall back to SQL for what left the ring.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "tap.h"
#include "test_wait_db.h"
#include "watch.h"

struct seen {
	long	 n;
	char	 ids[512];
};

static int
seen_tick(const struct watch_tick *t, void *arg)
{
	struct seen	*s = arg;
	size_t		 off = strlen(s->ids);

	snprintf(s->ids + off, sizeof(s->ids) - off, "%s%lld:%s",
	    off ? "," : "", t->id, t->symbol);
	return ++s->n == 5;	/* a callback may stop the read */
}

static void
test_format(void)
{
	struct watch_tick t;

	watch_tick_format(&t, 1001, "AAPL", 1795858200123LL, 18923000000LL, 2,
	    100);
	tap_is_str(t.json, "{\"id\":1001,\"symbol\":\"AAPL\",\"ts\":"
	    "1795858200123,\"price\":189.23,\"size\":100}", "tick json");
	tap_is_int(t.len, strlen(t.json), "length");
	watch_tick_format(&t, 9223372036854775807LL, "ABCDEFGHIJKLMNOP",
	    253402300799999LL, -9999999999LL * 100000000LL - 99999999,
	    8, 9223372036854775807LL);
	tap_ok(t.len > 0 && t.len == strlen(t.json), "widest tick fits (%u)",
	    t.len);
}

static void
test_watch(const char *path)
{
	char			 err[WATCH_ERRSZ];
	struct watch		*w;
	struct symset		 msft;
	struct seen		 s = { 0, "" };
	size_t			 i;

	if ((w = watch_open(path, err)) == NULL) {
		tap_ok(0, "watch_open: %s", err);
		return;
	}
	tap_is_int(watch_head(w), 3, "head is the store's cursor at open");
	tap_is_int(watch_floor(w), 3, "ring starts empty at head");
	tap_ok(watch_fd(w) >= 0, "inotify available");
	tap_is_int(watch_drain(w), 0, "no event before a commit");
	tap_is_int(watch_refresh(w), 0, "nothing committed: no ticks");
	commit_ticks(2, 4);
	tap_is_int(watch_drain(w), 1, "a commit is noticed");
	tap_is_int(watch_refresh(w), 4, "four new ticks read");
	tap_is_int(watch_refresh(w), 0, "and only once");
	tap_is_int(watch_head(w), 7, "head moved to 7");
	tap_is_int(watch_end(w) - watch_seek(w, 3), 4, "four after 3");
	tap_is_int(watch_seek(w, 5), watch_seek(w, 3) + 2, "seek by id");
	tap_is_int(watch_seek(w, 7), watch_end(w), "nothing after head");
	tap_is_str(watch_at(w, watch_seek(w, 3))->json,
	    "{\"id\":4,\"symbol\":\"MSFT\",\"ts\":1795858200001,"
	    "\"price\":189.24,\"size\":100}", "ring holds formatted ticks");
	commit_ticks(1, 2);
	commit_ticks(3, 1);
	watch_drain(w);
	tap_is_int(watch_refresh(w), 3, "two commits, read together");
	tap_is_str(watch_at(w, watch_end(w) - 1)->symbol, "BRK.B",
	    "newest is BRK.B");

	symset_parse(&msft, "MSFT", 4);
	tap_is_int(watch_read(watch_db(w), 0, 10, &msft, 100, seen_tick, &s),
	    4, "SQL read filtered by symbol");
	tap_is_str(s.ids, "4:MSFT,5:MSFT,6:MSFT,7:MSFT", "MSFT ids in order");
	memset(&s, 0, sizeof(s));
	tap_is_int(watch_read(watch_db(w), 2, 9, NULL, 100, seen_tick, &s),
	    5, "callback stops the read at five");
	tap_is_str(s.ids, "3:AAPL,4:MSFT,5:MSFT,6:MSFT,7:MSFT",
	    "all symbols, after 2");
	memset(&s, 0, sizeof(s));
	tap_is_int(watch_read(watch_db(w), 7, 8, NULL, 100, seen_tick, &s),
	    1, "upto bounds the read");

	/* More than the ring holds: the floor moves, the ring stays exact. */
	commit_ticks(1, WATCH_RING + 10);
	watch_drain(w);
	tap_is_int(watch_refresh(w), WATCH_RING + 10, "a burst beyond the ring");
	tap_is_int(watch_head(w), 10 + WATCH_RING + 10, "head after the burst");
	tap_is_int(watch_floor(w), 10 + 10, "floor: the last tick evicted");
	tap_is_int(watch_end(w) - watch_seek(w, watch_floor(w)), WATCH_RING,
	    "every tick above the floor is in the ring");
	for (i = watch_seek(w, 0); i + 1 < watch_end(w); i++)
		if (watch_at(w, i)->id + 1 != watch_at(w, i + 1)->id)
			break;
	tap_is_int(i + 1, watch_end(w), "ring ids are consecutive");
	watch_close(w);
}

int
main(void)
{
	char	dir[] = "/tmp/test_watch.XXXXXX", path[64], err[DB_ERRSZ];

	test_format();
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/ticks.db", dir);
	store_create(path, 2);
	test_watch(path);
	sqlite3_close(wdb);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		tap_ok(0, "cleanup");
	return tap_done();
}
