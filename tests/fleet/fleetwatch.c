/*
 * fleetwatch: when each store's newest tick id changed, for the fleet
 * test's figures (replication lag, delivery latency).
 *
 *   fleetwatch [-i US] NAME=DB ...
 *
 * Every US microseconds (default 1000) it asks each store, read-only,
 * whether another connection committed (PRAGMA data_version) and, if so,
 * for its head (max(id) of ticks); each new head is a line
 * "T_US NAME HEAD" on standard output (T_US: the wall clock, us).  A
 * store not there yet is looked for again.  SIGTERM ends it.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#define MAXDB	16

struct store {
	const char	*name, *path;
	sqlite3		*db;
	sqlite3_stmt	*version, *head;
	long long	 last_version, last_head;
};

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Opens s once its file exists; 0 when open. */
static int
store_open(struct store *s)
{
	if (s->db != NULL)
		return 0;
	if (access(s->path, R_OK) != 0)
		return -1;
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &s->version,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) FROM ticks",
	    -1, &s->head, NULL) != SQLITE_OK) {
		sqlite3_finalize(s->version);
		sqlite3_finalize(s->head);
		sqlite3_close(s->db);
		s->db = NULL;
		s->version = s->head = NULL;
		return -1;
	}
	s->last_version = -1;
	return 0;
}

/* One integer from st, or -1 (busy, not yet a store). */
static long long
one(sqlite3_stmt *st)
{
	long long v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static void
store_look(struct store *s)
{
	long long v, head;

	if (store_open(s) != 0 || (v = one(s->version)) == s->last_version)
		return;
	if ((head = one(s->head)) < 0)
		return;
	s->last_version = v;
	if (head != s->last_head) {
		s->last_head = head;
		printf("%lld %s %lld\n", (long long)now_us(), s->name, head);
		fflush(stdout);
	}
}

int
main(int argc, char *argv[])
{
	struct store	 st[MAXDB];
	struct timespec	 ts = { 0, 1000000 };
	int		 ch, i, n = 0;
	char		*eq;

	while ((ch = getopt(argc, argv, "i:")) != -1) {
		if (ch != 'i')
			goto usage;
		ts.tv_nsec = atol(optarg) * 1000L;
	}
	memset(st, 0, sizeof(st));
	for (i = optind; i < argc && n < MAXDB; i++, n++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			goto usage;
		*eq = '\0';
		st[n].name = argv[i];
		st[n].path = eq + 1;
		st[n].last_head = -1;
	}
	if (n == 0)
		goto usage;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop) {
		for (i = 0; i < n; i++)
			store_look(&st[i]);
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < n; i++) {
		sqlite3_finalize(st[i].version);
		sqlite3_finalize(st[i].head);
		sqlite3_close(st[i].db);
	}
	return 0;
usage:
	fprintf(stderr, "usage: fleetwatch [-i us] name=db ...\n");
	return 2;
}
