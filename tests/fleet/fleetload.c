/*
 * fleetload: long-poll and SSE clients through a balancer that may cut
 * them off at any time, each recording every tick id it receives, for
 * tests/fleet/fleet.t.
 *
 *   fleetload -a ADDR -p PORT -d DB -u FILE [options]
 *
 *   -a ADDR	the balancer (or one node), an address in 127.0.0.0/8
 *   -p PORT	its port
 *   -b ADDR	the address the first client connects from (127.0.0.0/8);
 *		client i from ADDR + i: each its own, as the edges limit
 *		requests per client address
 *   -P N	N long-poll clients (GET /api/v1/poll, HTTP/1.1 keep-alive)
 *   -S N	N SSE clients (GET /api/v1/stream, HTTP/1.0, until closed)
 *   -s SETS	symbol sets, ';'-separated, given to clients in turn ("*": all)
 *   -c ID	the cursor clients start from (default: DB's head at start);
 *		client i starts K * (i % 4) before it (-k K)
 *   -t S	poll timeout= (default 25)
 *   -d DB	the origin's store: what every client must have received
 *   -u FILE	the target: once FILE holds an id (the origin's final
 *		head), stop when every client has its last tick up to it
 *   -w FILE	the origin's commit times ("T_US origin HEAD" lines, from
 *		fleetwatch): delivery latency, commit to receipt, of the
 *		ticks after -c
 *   -x FILE	fault windows, "START_US END_US" lines, read at the end:
 *		the latency of ticks committed outside them is also
 *		given apart (calm_*)
 *   -l FILE	every second a line "T_US ANSWERS EVENTS TICKS": poll
 *		answers, SSE events with ticks, ticks received, so far
 *   -T S	give up after S seconds (default 600)
 *
 * A client whose connection breaks (closed, or a 502/503/504 from the
 * balancer) comes back at once (after 200 ms for an error answer) with
 * its cursor: `since=` or `Last-Event-ID`.  The time from the break to
 * its next answer (poll) or `start` event (SSE) is its resume time.
 *
 * Prints one line of key=value figures; exits 1 when any tick was
 * missed, doubled, out of order or foreign, a status other than 200 and
 * 502-504 came, or the deadline passed first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "fleetstat.h"

#define MAXSETS		32
#define RBUF		(1 << 18)	/* an answer of 1000 ticks is ~85 KB */
#define RETRY_US	200000		/* after an error answer */

enum kind { K_POLL, K_SSE, K__MAX };

struct client {
	enum kind	 kind;
	int		 fd, set;
	long long	 start, cursor;
	char		*buf;
	size_t		 len, body;
	long		 clen;		/* body bytes, -1 unknown */
	int		 head_done, chunked, close;
	int64_t		 retry_at;	/* us; 0: connected */
	int64_t		 broken_at;	/* us; 0: not broken */
	struct vec	 ids, at;	/* each tick received, and when (us) */
	struct vec	 want;		/* what it must receive */
};

static struct {
	const char	*addr, *src, *db, *until, *watch, *windows;
	FILE		*progress;	/* -l */
	int		 port, timeout, nsets, epfd;
	long		 counts[K__MAX], nc, spread, maxs;
	char		*sets[MAXSETS];
	long long	 start, target;
	struct client	*c;
	struct vec	 resumes;	/* us */
	long		 breaks, errors, status[6];	/* 200 502 503 504 other */
	long		 events, ticks;	/* SSE events with ticks; ticks in all */
} g = { .timeout = 25, .maxs = 600, .start = -1, .target = -1 };

enum { ST_200, ST_502, ST_503, ST_504, ST_OTHER, ST_CONNECT };

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- connections ---------------------------------------------------------- */

static void
client_send(struct client *c)
{
	char		 req[1024], lei[64] = "";
	const char	*set = g.sets[c->set];
	int		 n;

	if (c->kind == K_POLL)
		n = snprintf(req, sizeof(req), "GET /api/v1/poll?%s%s%s"
		    "since=%lld&timeout=%d HTTP/1.1\r\nHost: tickfeed\r\n\r\n",
		    *set ? "symbols=" : "", set, *set ? "&" : "", c->cursor,
		    g.timeout);
	else {
		if (c->cursor != c->start)
			snprintf(lei, sizeof(lei), "Last-Event-ID: %lld\r\n",
			    c->cursor);
		n = snprintf(req, sizeof(req), "GET /api/v1/stream?%s%s%s"
		    "last_event_id=%lld HTTP/1.0\r\nHost: tickfeed\r\n"
		    "Accept: text/event-stream\r\n%s\r\n", *set ? "symbols=" :
		    "", set, *set ? "&" : "", c->start, lei);
	}
	c->len = 0;
	c->head_done = 0;
	if (write(c->fd, req, (size_t)n) != n)
		g.errors++;
}

/* Connects c; on failure it is retried later.  0 when connected. */
static int
client_connect(struct client *c)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	struct epoll_event	 ev = { .events = EPOLLIN, .data.ptr = c };
	int			 one = 1;

	c->retry_at = 0;
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("socket");
		exit(2);
	}
	if (g.src != NULL) {
		inet_pton(AF_INET, g.src, &sin.sin_addr);
		sin.sin_addr.s_addr = htonl(ntohl(sin.sin_addr.s_addr) +
		    (uint32_t)(c - g.c));
		if (bind(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
			perror("bind");
			exit(2);
		}
	}
	sin.sin_port = htons((uint16_t)g.port);
	inet_pton(AF_INET, g.addr, &sin.sin_addr);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(c->fd);
		c->fd = -1;
		g.status[ST_CONNECT]++;
		c->retry_at = now_us() + RETRY_US;
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (epoll_ctl(g.epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1)
		exit(2);
	client_send(c);
	return 0;
}

/* Closes c's connection; connects again after delay us (0: now, -1: never). */
static void
client_reconnect(struct client *c, int64_t delay)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	if (delay == 0)
		client_connect(c);
	else if (delay > 0)
		c->retry_at = now_us() + delay;
}

/* The connection is gone (or useless): note the break, come back. */
static void
client_break(struct client *c, int64_t delay)
{
	if (c->broken_at == 0) {
		c->broken_at = now_us();
		g.breaks++;
	}
	client_reconnect(c, delay);
}

static void
client_resumed(struct client *c)
{
	if (c->broken_at != 0) {
		vec_add(&g.resumes, now_us() - c->broken_at);
		c->broken_at = 0;
	}
}

/* ---- answers ---------------------------------------------------------------- */

/* Every tick id in p..end, in order. */
static void
client_ticks(struct client *c, const char *p, const char *end)
{
	int64_t t = now_us();

	while ((p = memmem(p, (size_t)(end - p), "{\"id\":", 6)) != NULL) {
		p += 6;
		vec_add(&c->ids, strtoll(p, NULL, 10));
		vec_add(&c->at, t);
		g.ticks++;
	}
}

/* A complete poll answer is in buf. */
static void
client_answer(struct client *c)
{
	const char	*body = c->buf + c->body, *cur;
	int		 status = atoi(c->buf + 9);

	if (status != 200) {
		g.status[status == 502 ? ST_502 : status == 503 ? ST_503 :
		    status == 504 ? ST_504 : ST_OTHER]++;
		if (status >= 502 && status <= 504) {
			client_break(c, RETRY_US);
			return;
		}
		/* Never right: this client stops, its ticks stay missing. */
		fprintf(stderr, "fleetload: status %d: %.200s\n", status, body);
		client_reconnect(c, -1);
		return;
	}
	g.status[ST_200]++;
	client_resumed(c);
	client_ticks(c, body, body + c->clen);
	if ((cur = strstr(body, "\"cursor\":")) != NULL)
		c->cursor = strtoll(cur + 9, NULL, 10);
	if (c->close)
		client_reconnect(c, 0);
	else
		client_send(c);
}

/* SSE: the whole events ("\n\n"-terminated) in buf. */
static void
client_events(struct client *c)
{
	char	*p = c->buf + c->body, *e, *line;
	size_t	 used;

	while ((e = memmem(p, (size_t)(c->buf + c->len - p), "\n\n", 2))) {
		*e = '\0';
		for (line = p; line != NULL && line < e; ) {
			if (strncmp(line, "id: ", 4) == 0)
				c->cursor = strtoll(line + 4, NULL, 10);
			else if (strncmp(line, "event: start", 12) == 0)
				client_resumed(c);
			else if (strncmp(line, "data: ", 6) == 0 &&
			    strstr(line, "\"ticks\":") != NULL) {
				g.events++;
				client_ticks(c, line, e);
			}
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		p = e + 2;
	}
	used = (size_t)(p - c->buf);
	memmove(c->buf + c->body, p, c->len - used);
	c->len = c->body + c->len - used;
}

/* A chunked body, decoded in place once its last chunk is in: 1. */
static int
client_dechunk(struct client *c)
{
	long n;

	if ((n = http_dechunk(c->buf + c->body, c->len - c->body)) < 0)
		return 0;
	c->clen = n;
	return 1;
}

static int
client_head(struct client *c)
{
	char *e, *h;

	if ((e = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL)
		return 0;
	*e = '\0';
	c->head_done = 1;
	c->body = (size_t)(e + 4 - c->buf);
	c->clen = -1;
	if ((h = strcasestr(c->buf, "\r\nContent-Length: ")) != NULL)
		c->clen = strtol(h + 18, NULL, 10);
	c->chunked = strcasestr(c->buf, "\r\nTransfer-Encoding: chunked") !=
	    NULL;
	c->close = strcasestr(c->buf, "\r\nConnection: close") != NULL;
	return 1;
}

static void
client_read(struct client *c)
{
	ssize_t n;

	n = read(c->fd, c->buf + c->len, RBUF - 1 - c->len);
	if (n <= 0) {
		client_break(c, 0);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (!c->head_done && !client_head(c))
		return;
	if (c->kind == K_SSE && atoi(c->buf + 9) == 200)
		client_events(c);
	else if ((c->clen >= 0 && c->len >= c->body + (size_t)c->clen) ||
	    (c->clen < 0 && c->chunked && client_dechunk(c)))
		client_answer(c);
	else if (c->len >= RBUF - 1) {
		fprintf(stderr, "fleetload: answer too large\n");
		exit(2);
	}
}

/* ---- what each client must have ------------------------------------------ */

static sqlite3 *
store_open(void)
{
	sqlite3 *db;

	if (sqlite3_open_v2(g.db, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "fleetload: %s: %s\n", g.db,
		    sqlite3_errmsg(db));
		exit(2);
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static long long
store_head(void)
{
	sqlite3		*db = store_open();
	sqlite3_stmt	*st;
	long long	 head = 0;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM ticks",
	    -1, &st, NULL) != SQLITE_OK)
		exit(2);
	if (sqlite3_step(st) == SQLITE_ROW)
		head = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return head;
}

/* Each client's ids: its set's ticks after its start, up to the target. */
static void
load_want(void)
{
	sqlite3		*db = store_open();
	sqlite3_stmt	*st;
	long		 i;

	if (sqlite3_prepare_v2(db, "SELECT t.id FROM ticks t JOIN symbols s "
	    "ON s.id = t.symbol_id WHERE t.id > ?1 AND t.id <= ?2 AND (?3 = '' "
	    "OR instr(',' || ?3 || ',', ',' || s.symbol || ',') > 0) "
	    "ORDER BY t.id", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "fleetload: %s\n", sqlite3_errmsg(db));
		exit(2);
	}
	for (i = 0; i < g.nc; i++) {
		sqlite3_bind_int64(st, 1, g.c[i].start);
		sqlite3_bind_int64(st, 2, g.target);
		sqlite3_bind_text(st, 3, g.sets[g.c[i].set], -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			vec_add(&g.c[i].want, sqlite3_column_int64(st, 0));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* 1 once the target is known and every client has its last tick. */
static int
all_reached(void)
{
	FILE		*f;
	long		 i;
	struct client	*c;

	if (g.target < 0 && (f = fopen(g.until, "r")) != NULL) {
		if (fscanf(f, "%lld", &g.target) != 1)
			g.target = -1;
		fclose(f);
		if (g.target >= 0)
			load_want();
	}
	if (g.target < 0)
		return 0;
	for (i = 0; i < g.nc; i++) {
		c = &g.c[i];
		if (c->want.n > 0 && (c->ids.n == 0 ||
		    c->ids.v[c->ids.n - 1] < c->want.v[c->want.n - 1]))
			return 0;
	}
	return 1;
}

/* Compares each client with what it must have; returns the faults. */
static long
check(void)
{
	long		 i, missing = 0, doubled = 0, disorder = 0, extra = 0;
	long		 expected = 0, got = 0;
	struct client	*c;

	for (i = 0; i < g.nc; i++) {
		c = &g.c[i];
		expected += (long)c->want.n;
		got += (long)c->ids.n;
		vec_compare(&c->ids, &c->want, &missing, &doubled, &disorder,
		    &extra);
	}
	printf("clients=%ld poll=%ld sse=%ld target=%lld expected=%ld "
	    "received=%ld missing=%ld doubled=%ld disorder=%ld extra=%ld "
	    "breaks=%ld resumed=%zu ok=%ld s502=%ld s503=%ld s504=%ld "
	    "other=%ld connect_fail=%ld errors=%ld", g.nc, g.counts[K_POLL],
	    g.counts[K_SSE], g.target, expected, got, missing, doubled,
	    disorder, extra, g.breaks, g.resumes.n, g.status[ST_200],
	    g.status[ST_502], g.status[ST_503], g.status[ST_504],
	    g.status[ST_OTHER], g.status[ST_CONNECT], g.errors);
	return missing + doubled + disorder + extra + g.status[ST_OTHER];
}

/* p50, p99 and max of v, in ms, as NAME_p50_ms=... */
static void
report_pct(const char *name, struct vec *v)
{
	printf(" %s_n=%zu %s_p50_ms=%.1f %s_p99_ms=%.1f %s_max_ms=%.1f", name,
	    v->n, name, pct(v, 50) / 1e3, name, pct(v, 99) / 1e3, name,
	    pct(v, 100) / 1e3);
}

/*
 * Latency, commit (the origin's, from -w) to receipt, of the ticks
 * committed after the clients came (-c): all of them, and those
 * committed outside the windows of -x; resume times.
 */
static void
report_times(void)
{
	struct commits	 commits = { 0 };
	struct windows	 w = { 0 };
	struct vec	 all = { 0 }, calm = { 0 };
	long		 i;

	if (g.windows != NULL)
		windows_load(g.windows, &w);
	if (g.watch != NULL && commits_load(g.watch, "origin", &commits) == 0)
		for (i = 0; i < g.nc; i++)
			latencies(&g.c[i].ids, &g.c[i].at, &commits, g.start,
			    &w, &all, &calm);
	report_pct("lat", &all);
	report_pct("calm", &calm);
	report_pct("resume", &g.resumes);
	printf("\n");
	free(commits.head.v);
	free(commits.t.v);
	free(w.start.v);
	free(w.end.v);
	free(all.v);
	free(calm.v);
}

/* ---- the loop ------------------------------------------------------------------ */

static int
loop(void)
{
	struct epoll_event	 evs[512];
	int64_t			 end = now_us() + g.maxs * 1000000, t, next = 0;
	int			 i, n;
	long			 k;

	while ((t = now_us()) < end) {
		if (g.progress != NULL && t >= next) {
			fprintf(g.progress, "%lld %ld %ld %ld\n", (long long)t,
			    g.status[ST_200], g.events, g.ticks);
			fflush(g.progress);
			next = t + 1000000;
		}
		n = epoll_wait(g.epfd, evs, 512, 20);
		for (i = 0; i < n; i++)
			client_read(evs[i].data.ptr);
		for (k = 0; k < g.nc; k++)
			if (g.c[k].retry_at != 0 && g.c[k].retry_at <= t)
				client_connect(&g.c[k]);
		if (all_reached())
			return 0;
	}
	printf("fleetload: deadline passed before every client was done\n");
	return 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: fleetload -a addr -p port -d db -u file "
	    "[-b addr] [-P n] [-S n]\n\t[-s sets] [-c id] [-k n] [-t s] "
	    "[-w file] [-x file] [-l file] [-T s]\n");
	exit(2);
}

static void
options(int argc, char *argv[])
{
	char	*s, *save = NULL;
	int	 ch;

	while ((ch = getopt(argc, argv, "a:b:c:d:k:l:p:P:s:S:t:T:u:w:x:")) !=
	    -1) {
		switch (ch) {
		case 'a': g.addr = optarg; break;
		case 'b': g.src = optarg; break;
		case 'c': g.start = atoll(optarg); break;
		case 'd': g.db = optarg; break;
		case 'k': g.spread = atol(optarg); break;
		case 'l':
			if ((g.progress = fopen(optarg, "w")) == NULL) {
				perror(optarg);
				exit(2);
			}
			break;
		case 'p': g.port = atoi(optarg); break;
		case 'P': g.counts[K_POLL] = atol(optarg); break;
		case 's':
			for (s = strtok_r(optarg, ";", &save); s &&
			    g.nsets < MAXSETS; s = strtok_r(NULL, ";", &save))
				g.sets[g.nsets++] = strcmp(s, "*") ? s : "";
			break;
		case 'S': g.counts[K_SSE] = atol(optarg); break;
		case 't': g.timeout = atoi(optarg); break;
		case 'T': g.maxs = atol(optarg); break;
		case 'u': g.until = optarg; break;
		case 'w': g.watch = optarg; break;
		case 'x': g.windows = optarg; break;
		default: usage();
		}
	}
	if (g.addr == NULL || g.port == 0 || g.db == NULL || g.until == NULL)
		usage();
	if (g.nsets == 0)
		g.sets[g.nsets++] = "";
}

int
main(int argc, char *argv[])
{
	long	 i, k, faults;
	int	 kind, late;

	options(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (g.start < 0)
		g.start = store_head();
	g.nc = g.counts[K_POLL] + g.counts[K_SSE];
	if ((g.c = calloc((size_t)g.nc, sizeof(*g.c))) == NULL ||
	    (g.epfd = epoll_create1(0)) == -1)
		exit(2);
	for (kind = 0, i = 0; kind < K__MAX; kind++)
		for (k = 0; k < g.counts[kind]; k++, i++) {
			g.c[i].kind = (enum kind)kind;
			g.c[i].fd = -1;
			g.c[i].set = (int)(i % g.nsets);
			g.c[i].start = g.start - g.spread * (i % 4);
			if (g.c[i].start < 0)
				g.c[i].start = 0;
			g.c[i].cursor = g.c[i].start;
			if ((g.c[i].buf = malloc(RBUF)) == NULL)
				exit(2);
		}
	for (i = 0; i < g.nc; i++) {
		client_connect(&g.c[i]);
		if (i % 200 == 199)
			usleep(20000);	/* the listen queues never overflow */
	}
	late = loop();
	if (g.target < 0) {
		printf("fleetload: no target\n");
		return 1;
	}
	faults = check();
	report_times();
	for (i = 0; i < g.nc; i++) {
		if (g.c[i].fd != -1)
			close(g.c[i].fd);
		free(g.c[i].buf);
		free(g.c[i].ids.v);
		free(g.c[i].at.v);
		free(g.c[i].want.v);
	}
	free(g.c);
	free(g.resumes.v);
	if (g.progress != NULL)
		fclose(g.progress);
	return faults || late ? 1 : 0;
}
