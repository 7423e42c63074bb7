/*
 * pushload's publishers (bench): one thread sends -M messages at -R a
 * second, each stamped with the wall clock just before it leaves, the
 * moment its latency counts from:
 *
 *   PUB_DB	a tick committed into the store by pushload itself, one
 *		transaction each (size: the stamp): commit -> client
 *   PUB_FEED	a CSV line written to the pipe the ingest tool reads
 *		(tickfeed-ingest --follow -, default flags; size: the stamp
 *		minus t0, as a size is at most 10^12): feed line -> client
 *   PUB_NCHAN	a POST to Nchan's publisher, body "SEQ USEC"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "pushload.h"

/* Sleeps until message i is due: i / rate s after t0 (monotonic). */
static void
pub_sleep(const struct timespec *t0, long i)
{
	struct timespec	at = *t0;
	double		d = (double)i / g.rate;

	at.tv_sec += (time_t)d;
	at.tv_nsec += (long)((d - (double)(time_t)d) * 1e9);
	if (at.tv_nsec >= 1000000000)
		at.tv_sec++, at.tv_nsec -= 1000000000;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) ==
	    EINTR)
		;
}

/* One tick a message, one transaction each, as the ingest tool commits. */
static void *
pub_db(void *arg)
{
	sqlite3		*db = arg;
	sqlite3_stmt	*st;
	struct timespec	 t0;
	long		 i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sqlite3_prepare_v2(db, "INSERT INTO ticks (symbol_id, ts, price, "
	    "size, nkey) VALUES (1, ?1, 100000000, ?2, ?3)", -1, &st, NULL))
		exit(2);
	for (i = 0; i < g.messages; i++) {
		pub_sleep(&t0, i);
		sqlite3_bind_int64(st, 1, now_us() / 1000);
		sqlite3_bind_int64(st, 2, now_us());
		sqlite3_bind_int64(st, 3, i);
		if (sqlite3_step(st) != SQLITE_DONE)
			exit(2);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	g.pub_done = 1;
	return NULL;
}

/*
 * One CSV line a message, written whole (a pipe write of up to PIPE_BUF
 * bytes is atomic), as a feed hands its lines to the ingest tool.
 */
static void *
pub_feed(void *arg)
{
	struct timespec	 t0;
	char		 line[128];
	int64_t		 stamp;
	long		 i;
	int		 n;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < g.messages; i++) {
		pub_sleep(&t0, i);
		stamp = now_us();
		n = snprintf(line, sizeof(line), "BENCH,%lld,100,%lld\n",
		    (long long)(stamp / 1000), (long long)(stamp - g.t0));
		if (write(g.feedfd, line, (size_t)n) != n) {
			perror("pushload: feed");
			exit(2);
		}
	}
	g.pub_done = 1;
	return NULL;
}

static void *
pub_nchan(void *arg)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)g.port) };
	struct timespec		 t0;
	char			 req[512], body[64], resp[4096];
	long			 i;
	int			 fd, n;

	(void)arg;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < g.messages; i++) {
		pub_sleep(&t0, i);
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			exit(2);
		n = snprintf(body, sizeof(body), "%ld %ld", i + 1,
		    (long)now_us());
		n = snprintf(req, sizeof(req), "POST %s HTTP/1.0\r\nHost: "
		    "127.0.0.1\r\nContent-Length: %d\r\n\r\n%s", g.puburl, n,
		    body);
		if (write(fd, req, (size_t)n) != n)
			exit(2);
		while (read(fd, resp, sizeof(resp)) > 0)
			;
		close(fd);
	}
	g.pub_done = 1;
	return NULL;
}

/*
 * -F: one line through the ingest tool before the clock runs, and the
 * store's head once it is committed.  The tool's first commit creates
 * the -wal and syncs its header, and BENCH becomes a symbol the app
 * knows: the messages then meet a feed that has been running.  Exits
 * when the line is not stored within 10 s.
 */
static void
pub_feed_warm(sqlite3 *db)
{
	long long	head = g.pub_base, now;
	char		line[64];
	int		i, n;

	n = snprintf(line, sizeof(line), "BENCH,%lld,100,0\n",
	    (long long)(now_us() / 1000));
	if (write(g.feedfd, line, (size_t)n) != n)
		exit(2);
	for (i = 0; i < 10000; i++) {
		if (db_max_tick_id(db, &now) == 0 && now > head) {
			g.pub_base = now;
			return;
		}
		usleep(1000);
	}
	fprintf(stderr, "pushload: the ingest tool did not store the first "
	    "line\n");
	exit(2);
}

/*
 * -W: opens the store and notes its head before any client connects
 * (PUB_DB also makes sure of the symbol BENCH, id 1; PUB_FEED leaves
 * every write to the ingest tool and returns NULL).  Clients that were
 * not given -c start from that head, as a page that has just loaded
 * does: with an older cursor, each would be answered at once with ticks
 * from before the run, and the main loop, which reads answers only once
 * publishing starts, would send its re-poll after the first message was
 * committed (that message then measured clients that were not waiting,
 * in a second run on the same store).
 */
sqlite3 *
pub_open(void)
{
	char	 err[DB_ERRSZ];
	sqlite3	*db;

	if (db_open(g.pubdb, g.pub == PUB_FEED ? DB_READONLY : DB_READWRITE,
	    &db, err) != DB_OK) {
		fprintf(stderr, "pushload: %s\n", err);
		exit(2);
	}
	if (g.pub == PUB_DB)
		sqlite3_exec(db, "INSERT OR IGNORE INTO symbols (id, symbol) "
		    "VALUES (1, 'BENCH')", NULL, NULL, NULL);
	db_max_tick_id(db, &g.pub_base);
	if (g.pub == PUB_FEED)
		pub_feed_warm(db);
	if (!g.start_set)
		g.start = g.pub_base;
	g.pub_base++;
	if (g.pub == PUB_FEED) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/*
 * -F: opens the pipe (blocks until its reader, the ingest tool, has it
 * open too) and writes the CSV header, before the clock runs.
 */
void
pub_feed_open(void)
{
	static const char head[] = "symbol,ts,price,size\n";

	if ((g.feedfd = open(g.feed, O_WRONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "pushload: %s: %s\n", g.feed, strerror(errno));
		exit(2);
	}
	if (write(g.feedfd, head, sizeof(head) - 1) != sizeof(head) - 1)
		exit(2);
}

/* The end of the feed: the ingest tool commits what it has and exits. */
void
pub_feed_close(void)
{
	if (g.feedfd != -1)
		close(g.feedfd);
	g.feedfd = -1;
}

/* Starts the publisher thread of g.pub (not PUB_NONE); db for PUB_DB. */
void
pub_start(pthread_t *tid, sqlite3 *db)
{
	static void *(*const fn[PUB__MAX])(void *) = {
		[PUB_DB] = pub_db, [PUB_FEED] = pub_feed,
		[PUB_NCHAN] = pub_nchan,
	};

	pthread_create(tid, NULL, fn[g.pub], db);
}
