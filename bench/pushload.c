/*
 * pushload: many long-poll / SSE / Nchan subscribers in one epoll loop,
 * for the tests in tests/push/ (correctness under load) and bench/push.sh (latency).
 *
 *   pushload -p PORT [-P N] [-S N] [-N N] [options]
 *
 *   -p PORT	nginx (or Apache) on 127.0.0.1
 *   -P N	N long-poll clients (GET /api/v1/poll, HTTP/1.1 keep-alive)
 *   -S N	N SSE clients (GET /api/v1/stream, HTTP/1.0, until close)
 *   -N N	N Nchan long-poll subscribers (GET /sub/bench)
 *   -s SETS	symbol sets, ';'-separated, given to clients in turn ("" = all)
 *   -c ID	the cursor every client starts from (with -W, default: the
 *		store's head when pushload starts)
 *   -t S	poll timeout= (default 25)
 *   -r K	resume: every K-th answer (event) a client closes and comes back
 *		with its cursor (Last-Event-ID for SSE); 0 never
 *   -a K	abandon: every K-th request a poll client closes its
 *		connection 20 ms after sending, before any answer, then resumes
 *   -d DB	check at the end: each client saw exactly the ticks of its set
 *		after -c up to the target, in id order, none twice (sqlite)
 *   -u FILE	target: stop once FILE holds an id and every client has it
 *   -W DB	publish (bench): a tick of BENCH every 1/-R s, -M of them, into
 *		DB in its own transaction, size = commit time in us
 *   -U PATH	publish to Nchan instead: POST PATH, body "seq usec"
 *   -R RATE	messages a second (default 1); -M COUNT (default 20)
 *   -T S	give up after S seconds (default 120)
 *   -C PIDS	bench: CPU time of these processes (comma-separated, all
 *		their threads), from the first message to the last
 *		delivery, per delivery in us (cpuK_us=, K = 1.. for each
 *		-C given, up to 4), and pushload's own (cli_cpu_us=)
 *   -v		bench: also one line per message on stderr (p50/p99/max,
 *		first and last receipt), to see which messages make the p99
 *
 * Prints one line of key=value figures; exits 1 when anything was missed,
 * doubled, out of order, or the deadline passed first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
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

#include "db.h"

#define MAXSETS		64
#define RBUF		(1 << 18)	/* an answer of 1000 ticks is ~85 KB */

enum kind { K_POLL, K_SSE, K_NCHAN, K__MAX };

struct ids {
	long long	*v;
	size_t		 n, cap;
};

struct client {
	enum kind	 kind;
	int		 fd, set, idx;
	long long	 cursor;
	long		 answers, requests;
	int		 resume_now;	/* reconnect after this answer */
	int64_t		 abandon_at;	/* us; 0: not abandoning */
	char		 etag[128], lastmod[128];	/* nchan */
	char		*buf;
	size_t		 len;
	int		 head_done;
	int		 chunked;
	int		 close;		/* the server said Connection: close */
	long		 clen;		/* body bytes expected, -1 unknown */
	size_t		 body;		/* offset of the body in buf */
	struct ids	 got;
	unsigned char	*seen;		/* bench: per message */
};

static struct {
	int		 port, timeout, resume, abandon, nsets;
	long		 counts[K__MAX];
	char		*sets[MAXSETS];
	long long	 start;
	const char	*db, *until, *pubdb, *puburl;
	double		 rate;
	long		 messages, maxs;
	int		 epfd;
	struct client	*c;
	long		 nc;
	long long	 target;	/* -1 unknown */
	int64_t		*lat;		/* bench latencies, us */
	int64_t		*mlat;		/* -v: [message * nc + client], us */
	const char	*cpupids[4];	/* -C */
	int		 ncpu;
	long long	 cpu[4], cpu_cli;	/* clock ticks, end - start */
	int		 verbose;
	long		 nlat, caplat;
	long		 reconnects, errors, bad_status;
	volatile int	 pub_done;
	long long	 pub_base;	/* first published id (or seq 1) */
	int		 start_set;	/* -c given */
	struct ids	 want[MAXSETS];	/* per set, once the target is known */
} g = { .timeout = 25, .rate = 1, .messages = 20, .maxs = 120,
	.target = -1 };

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
ids_add(struct ids *a, long long v)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		if ((a->v = realloc(a->v, a->cap * sizeof(*a->v))) == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	a->v[a->n++] = v;
}

static void
lat_add(const struct client *c, long m, int64_t us)
{
	if (g.mlat != NULL)
		g.mlat[m * g.nc + c->idx] = us;
	if (g.nlat == g.caplat) {
		g.caplat = g.caplat ? g.caplat * 2 : 4096;
		if ((g.lat = realloc(g.lat, (size_t)g.caplat *
		    sizeof(*g.lat))) == NULL)
			exit(2);
	}
	g.lat[g.nlat++] = us;
}

/* ---- requests ---------------------------------------------------------- */

static int
client_request(struct client *c, char *out, size_t sz)
{
	const char *set = g.sets[c->set];

	switch (c->kind) {
	case K_POLL:
		return snprintf(out, sz, "GET /api/v1/poll?%s%s%ssince=%lld&"
		    "timeout=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
		    *set ? "symbols=" : "", set, *set ? "&" : "", c->cursor,
		    g.timeout);
	case K_SSE:
		return snprintf(out, sz, "GET /api/v1/stream?%s%s%s"
		    "last_event_id=%lld HTTP/1.0\r\nHost: 127.0.0.1\r\n"
		    "%s%.0lld%s\r\n", *set ? "symbols=" : "", set,
		    *set ? "&" : "", g.start, c->answers ? "Last-Event-ID: " :
		    "", c->answers ? c->cursor : 0, c->answers ? "\r\n" : "");
	default:
		return snprintf(out, sz, "GET /sub/bench HTTP/1.1\r\nHost: "
		    "127.0.0.1\r\n%s%s%s%s%s%s\r\n",
		    *c->lastmod ? "If-Modified-Since: " : "", c->lastmod,
		    *c->lastmod ? "\r\n" : "", *c->etag ? "If-None-Match: " :
		    "", c->etag, *c->etag ? "\r\n" : "");
	}
}

static void
client_send(struct client *c)
{
	char	req[1024];
	int	n = client_request(c, req, sizeof(req));

	c->requests++;
	c->len = 0;
	c->head_done = 0;
	if (write(c->fd, req, (size_t)n) != n) {
		g.errors++;
		return;
	}
	if (c->kind == K_POLL && g.abandon > 0 &&
	    c->requests % g.abandon == 0)
		c->abandon_at = now_us() + 20000;
}

static void
client_connect(struct client *c)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)g.port) };
	struct epoll_event	 ev = { .events = EPOLLIN, .data.ptr = c };
	int			 one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("connect");
		exit(2);
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (epoll_ctl(g.epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1)
		exit(2);
	client_send(c);
}

static void
client_reconnect(struct client *c)
{
	close(c->fd);
	g.reconnects++;
	c->abandon_at = 0;
	client_connect(c);
}

/* ---- answers -------------------------------------------------------------- */

/* Every "id": in a JSON answer, in order; the bench stamp is "size". */
static void
client_ticks(struct client *c, const char *p, const char *end)
{
	long long	id;
	int64_t		t = now_us();
	const char	*s;

	while ((p = memmem(p, (size_t)(end - p), "{\"id\":", 6)) != NULL) {
		id = strtoll(p + 6, NULL, 10);
		p += 6;
		if (g.pubdb != NULL && (s = memmem(p, (size_t)(end - p),
		    "\"size\":", 7)) != NULL && id >= g.pub_base &&
		    id < g.pub_base + g.messages) {
			if (c->seen[id - g.pub_base]++ == 0)
				lat_add(c, id - g.pub_base,
				    t - strtoll(s + 7, NULL, 10));
		}
		if (g.db != NULL)
			ids_add(&c->got, id);
	}
}

static void
client_nchan(struct client *c, const char *body, const char *end)
{
	long long	seq;
	int64_t		stamp;
	const char	*h;

	(void)end;
	if (sscanf(body, "%lld %ld", &seq, &stamp) == 2 && seq >= 1 &&
	    seq <= g.messages && c->seen[seq - 1]++ == 0)
		lat_add(c, seq - 1, now_us() - stamp);
	c->cursor = seq;
	if ((h = strcasestr(c->buf, "\r\nLast-Modified: ")) != NULL)
		sscanf(h + 17, "%127[^\r]", c->lastmod);
	if ((h = strcasestr(c->buf, "\r\nEtag: ")) != NULL)
		sscanf(h + 8, "%127[^\r]", c->etag);
}

/* A complete long-poll answer is in buf: record it, ask again. */
static void
client_answer(struct client *c)
{
	const char *body = c->buf + c->body, *end = body + c->clen;
	int status = atoi(c->buf + 9);

	c->answers++;
	c->abandon_at = 0;
	if (status == 200 && c->kind == K_POLL) {
		client_ticks(c, body, end);
		c->cursor = strtoll(strstr(body, "\"cursor\":") + 9, NULL, 10);
	} else if (status == 200)
		client_nchan(c, body, end);
	else if (status != 304 && status != 408)
		g.bad_status++;
	if ((g.resume > 0 && c->answers % g.resume == 0) || c->close)
		client_reconnect(c);
	else
		client_send(c);
}

/* SSE: consume whole events ("\n\n"-terminated) from buf. */
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
			else if (strncmp(line, "data: ", 6) == 0)
				client_ticks(c, line, e);
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		if (strncmp(p, ":", 1) != 0 && strstr(p, "data: ") != NULL)
			c->answers++, c->resume_now = g.resume > 0 &&
			    c->answers % g.resume == 0;
		p = e + 2;
	}
	used = (size_t)(p - c->buf);
	memmove(c->buf + c->body, p, c->len - used);
	c->len = c->body + c->len - used;
}

/*
 * A chunked body (Apache sends one): 1 and the body decoded in place
 * (clen set) once the last chunk is in, else 0.
 */
static int
client_dechunk(struct client *c)
{
	char	*p = c->buf + c->body, *end = c->buf + c->len, *out = p, *nl;
	long	 n;
	int	 pass;

	/* Pass 0 checks that the last chunk is in; pass 1 decodes. */
	for (pass = 0; pass < 2; pass++) {
		for (p = out = c->buf + c->body; ; p = nl + 2 + n + 2) {
			if ((nl = memmem(p, (size_t)(end - p), "\r\n", 2)) ==
			    NULL)
				return 0;
			if ((n = strtol(p, NULL, 16)) == 0)
				break;
			if (nl + 2 + n + 2 > end)
				return 0;
			if (pass == 1) {
				memmove(out, nl + 2, (size_t)n);
				out += n;
			}
		}
		if (nl + 4 > end)
			return 0;
	}
	c->clen = out - (c->buf + c->body);
	c->len = c->body + (size_t)c->clen;
	return 1;
}

static int
client_head(struct client *c)
{
	char *e, *cl;

	if ((e = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL)
		return 0;
	c->head_done = 1;
	c->body = (size_t)(e + 4 - c->buf);
	c->clen = -1;
	if ((cl = strcasestr(c->buf, "\r\nContent-Length: ")) != NULL &&
	    cl < e)
		c->clen = strtol(cl + 18, NULL, 10);
	cl = strcasestr(c->buf, "\r\nTransfer-Encoding: chunked");
	c->chunked = cl != NULL && cl < e;
	cl = strcasestr(c->buf, "\r\nConnection: close");
	c->close = cl != NULL && cl < e;
	return 1;
}

static void
client_read(struct client *c)
{
	ssize_t n;

	n = read(c->fd, c->buf + c->len, RBUF - 1 - c->len);
	if (n <= 0) {		/* closed: resume; mid-answer is an error */
		if (c->kind != K_SSE && c->len > 0)
			g.errors++;
		client_reconnect(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (!c->head_done && !client_head(c))
		return;
	if (c->kind == K_SSE) {
		client_events(c);
		if (c->resume_now) {
			c->resume_now = 0;
			client_reconnect(c);
		}
	} else if ((c->clen >= 0 && c->len >= c->body + (size_t)c->clen) ||
	    (c->clen < 0 && c->chunked && client_dechunk(c)))
		client_answer(c);
	else if (c->len >= RBUF - 1) {
		fprintf(stderr, "pushload: answer too large\n");
		exit(2);
	}
}

/* ---- publishers (bench) ------------------------------------------------- */

static void
pub_sleep(long i)
{
	struct timespec ts;
	double		at = (double)i / g.rate;

	ts.tv_sec = (time_t)at;
	ts.tv_nsec = (long)((at - (double)ts.tv_sec) * 1e9);
	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
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
		struct timespec at = t0;
		double d = (double)i / g.rate;

		at.tv_sec += (time_t)d;
		at.tv_nsec += (long)((d - (double)(time_t)d) * 1e9);
		if (at.tv_nsec >= 1000000000)
			at.tv_sec++, at.tv_nsec -= 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
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

static void *
pub_nchan(void *arg)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)g.port) };
	char			 req[512], body[64], resp[4096];
	long			 i;
	int			 fd, n;

	(void)arg;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < g.messages; i++) {
		pub_sleep(i);
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

/* ---- checking ------------------------------------------------------------ */

/* Expected ids of set: ticks after start up to target, by id. */
static void
expect_ids(sqlite3 *db, const char *set, struct ids *out)
{
	char		 json[4096] = "", *p, *tok, *save = NULL;
	sqlite3_stmt	*st;

	if (*set) {
		p = strdup(set);
		strcat(json, "[");
		for (tok = strtok_r(p, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save))
			snprintf(json + strlen(json), sizeof(json) - strlen(json),
			    "%s\"%s\"", json[1] ? "," : "", tok);
		strcat(json, "]");
		free(p);
	}
	if (sqlite3_prepare_v2(db, "SELECT t.id FROM ticks t JOIN symbols s ON"
	    " s.id = t.symbol_id WHERE t.id > ?1 AND t.id <= ?2 AND (?3 = '' OR"
	    " s.symbol IN (SELECT value FROM json_each(?3))) ORDER BY t.id",
	    -1, &st, NULL) != SQLITE_OK)
		exit(2);
	sqlite3_bind_int64(st, 1, g.start);
	sqlite3_bind_int64(st, 2, g.target);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		ids_add(out, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
}

/* Compares what each client got with the store; returns the faults. */
static void
load_want(void)
{
	sqlite3	*db;
	int	 i;

	if (sqlite3_open_v2(g.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		exit(2);
	for (i = 0; i < g.nsets; i++)
		expect_ids(db, g.sets[i], &g.want[i]);
	sqlite3_close(db);
}

static long
check(void)
{
	struct ids	*want = g.want;
	long		 i, missing = 0, doubled = 0, disorder = 0, extra = 0;
	long		 expected = 0, got = 0;
	size_t		 a, b;
	struct client	*c;

	if (g.target < 0) {
		printf("pushload: no target\n");
		return 1;
	}
	for (i = 0; i < g.nc; i++) {
		c = &g.c[i];
		if (c->kind == K_NCHAN)
			continue;
		expected += (long)want[c->set].n;
		got += (long)c->got.n;
		for (a = 1; a < c->got.n; a++) {
			if (c->got.v[a] == c->got.v[a - 1])
				doubled++;
			else if (c->got.v[a] < c->got.v[a - 1])
				disorder++;
		}
		for (a = b = 0; a < want[c->set].n; a++) {
			while (b < c->got.n && c->got.v[b] < want[c->set].v[a])
				b++;
			if (b == c->got.n || c->got.v[b] != want[c->set].v[a])
				missing++;
		}
		for (a = 0; a < c->got.n; a++)
			if (c->got.v[a] <= g.start || c->got.v[a] > g.target)
				extra++;
	}
	printf("clients=%ld expected=%ld received=%ld missing=%ld doubled=%ld "
	    "disorder=%ld extra=%ld reconnects=%ld errors=%ld bad_status=%ld\n",
	    g.nc, expected, got, missing, doubled, disorder, extra,
	    g.reconnects, g.errors, g.bad_status);
	return missing + doubled + disorder + extra + g.bad_status;
}

static int
lat_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* utime + stime of pid, all its threads, in clock ticks; 0 if gone. */
static long long
cpu_ticks(long pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After the command name: state is field 3, utime 14, stime 15. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &ut, &st) != 2)
		return 0;
	return (long long)(ut + st);
}

static long long
cpu_group(const char *pids)
{
	const char	*p;
	char		*end;
	long long	 sum = 0;
	long		 pid;

	for (p = pids; *p != '\0'; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		sum += cpu_ticks(pid);
		while (*end == ',')
			end++;
	}
	return sum;
}

/* Adds sign * the CPU time so far of each -C group and of pushload. */
static void
cpu_account(int sign)
{
	int i;

	for (i = 0; i < g.ncpu; i++)
		g.cpu[i] += sign * cpu_group(g.cpupids[i]);
	g.cpu_cli += sign * cpu_ticks((long)getpid());
}

/* -v: which messages were late, and for whom (ms). */
static void
report_messages(void)
{
	int64_t	*v;
	long	 i, m, n;

	if ((v = malloc((size_t)g.nc * sizeof(*v))) == NULL)
		return;
	for (m = 0; m < g.messages; m++) {
		for (i = n = 0; i < g.nc; i++)
			if (g.c[i].seen[m])
				v[n++] = g.mlat[m * g.nc + i];
		if (n == 0)
			continue;
		qsort(v, (size_t)n, sizeof(*v), lat_cmp);
		fprintf(stderr, "message %3ld: clients=%ld min_ms=%.1f "
		    "p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n", m + 1, n,
		    v[0] / 1e3, v[n / 2] / 1e3, v[(n * 99) / 100] / 1e3,
		    v[n - 1] / 1e3);
	}
	free(v);
}

static long
report_bench(void)
{
	long	i, m, missed = 0, doubled = 0;
	double	us;

	for (i = 0; i < g.nc; i++)
		for (m = 0; m < g.messages; m++) {
			missed += g.c[i].seen[m] == 0;
			doubled += g.c[i].seen[m] > 1 ? g.c[i].seen[m] - 1 : 0;
		}
	qsort(g.lat, (size_t)g.nlat, sizeof(*g.lat), lat_cmp);
	if (g.mlat != NULL)
		report_messages();
	us = 1e6 / (double)sysconf(_SC_CLK_TCK) / (double)(g.nlat ? g.nlat : 1);
	printf("clients=%ld messages=%ld delivered=%ld missed=%ld doubled=%ld "
	    "p50_ms=%.1f p99_ms=%.1f max_ms=%.1f reconnects=%ld errors=%ld "
	    "bad_status=%ld", g.nc, g.messages, g.nlat, missed, doubled,
	    g.nlat ? g.lat[g.nlat / 2] / 1e3 : -1.0,
	    g.nlat ? g.lat[(g.nlat * 99) / 100] / 1e3 : -1.0,
	    g.nlat ? g.lat[g.nlat - 1] / 1e3 : -1.0, g.reconnects, g.errors,
	    g.bad_status);
	for (i = 0; i < g.ncpu; i++)
		printf(" cpu%ld_us=%.1f", i + 1, (double)g.cpu[i] * us);
	printf(" cli_cpu_us=%.1f\n", (double)g.cpu_cli * us);
	return missed + doubled + g.bad_status;
}

/* ---- the loop ----------------------------------------------------------- */

static int
all_reached(void)
{
	FILE	*f;
	long	 i, m;

	if (g.pubdb != NULL || g.puburl != NULL) {
		if (!g.pub_done)
			return 0;
		for (i = 0; i < g.nc; i++)
			for (m = 0; m < g.messages; m++)
				if (!g.c[i].seen[m])
					return 0;
		return 1;
	}
	if (g.target < 0 && g.until && (f = fopen(g.until, "r")) != NULL) {
		if (fscanf(f, "%lld", &g.target) != 1)
			g.target = -1;
		fclose(f);
		if (g.target >= 0)
			load_want();
	}
	if (g.target < 0)
		return 0;
	/* Done when each has as many ticks as its set has: check() says
	 * whether they are the right ones. */
	for (i = 0; i < g.nc; i++)
		if (g.c[i].got.n < g.want[g.c[i].set].n)
			return 0;
	return 1;
}

static void
loop(void)
{
	struct epoll_event	 evs[512];
	int64_t			 end = now_us() + g.maxs * 1000000, t;
	int			 i, n;
	long			 k;

	while ((t = now_us()) < end) {
		n = epoll_wait(g.epfd, evs, 512, 50);
		for (i = 0; i < n; i++)
			client_read(evs[i].data.ptr);
		for (k = 0; g.abandon > 0 && k < g.nc; k++)
			if (g.c[k].abandon_at && g.c[k].abandon_at <= t &&
			    g.c[k].len == 0)
				client_reconnect(&g.c[k]);
		if (all_reached())
			return;
	}
	printf("pushload: deadline passed before every client was done\n");
	g.errors++;
}

/*
 * -W: opens the store and notes its head before any client connects.
 * Clients that were not given -c start from that head, as a page that
 * has just loaded does: with an older cursor, each would be answered at
 * once with ticks from before the run, and the main loop, which reads
 * answers only once publishing starts, would send its re-poll after the
 * first message was committed (that message then measured clients that
 * were not waiting, in a second run on the same store).
 */
static sqlite3 *
pub_open(void)
{
	char	 err[DB_ERRSZ];
	sqlite3	*db;

	if (db_open(g.pubdb, DB_READWRITE, &db, err) != DB_OK) {
		fprintf(stderr, "pushload: %s\n", err);
		exit(2);
	}
	sqlite3_exec(db, "INSERT OR IGNORE INTO symbols (id, symbol) VALUES "
	    "(1, 'BENCH')", NULL, NULL, NULL);
	db_max_tick_id(db, &g.pub_base);
	if (!g.start_set)
		g.start = g.pub_base;
	g.pub_base++;
	return db;
}

static void
start_publisher(pthread_t *tid, sqlite3 *db)
{
	if (g.puburl != NULL)
		pthread_create(tid, NULL, pub_nchan, NULL);
	else
		pthread_create(tid, NULL, pub_db, db);
}

static void
usage(void)
{
	fprintf(stderr, "usage: pushload -p port [-P n] [-S n] [-N n] [-s sets]"
	    " [-c id] [-t s] [-r k] [-a k]\n\t[-d db] [-u file] [-W db | -U path]"
	    " [-R rate] [-M count] [-T s] [-C pids] [-v]\n");
	exit(2);
}

static void
options(int argc, char *argv[])
{
	char	*s, *save = NULL;
	int	 ch;

	while ((ch = getopt(argc, argv, "a:C:c:d:M:N:p:P:r:R:s:S:t:T:u:U:vW:"))
	    != -1) {
		switch (ch) {
		case 'a': g.abandon = atoi(optarg); break;
		case 'C':
			if (g.ncpu < 4)
				g.cpupids[g.ncpu++] = optarg;
			break;
		case 'c': g.start = atoll(optarg); g.start_set = 1; break;
		case 'd': g.db = optarg; break;
		case 'M': g.messages = atol(optarg); break;
		case 'N': g.counts[K_NCHAN] = atol(optarg); break;
		case 'p': g.port = atoi(optarg); break;
		case 'P': g.counts[K_POLL] = atol(optarg); break;
		case 'r': g.resume = atoi(optarg); break;
		case 'R': g.rate = atof(optarg); break;
		case 's':
			for (s = strtok_r(optarg, ";", &save); s &&
			    g.nsets < MAXSETS; s = strtok_r(NULL, ";", &save))
				g.sets[g.nsets++] = strcmp(s, "*") ? s : "";
			break;
		case 'S': g.counts[K_SSE] = atol(optarg); break;
		case 't': g.timeout = atoi(optarg); break;
		case 'T': g.maxs = atol(optarg); break;
		case 'u': g.until = optarg; break;
		case 'U': g.puburl = optarg; break;
		case 'v': g.verbose = 1; break;
		case 'W': g.pubdb = optarg; break;
		default: usage();
		}
	}
	if (g.port == 0 || (g.pubdb == NULL && g.puburl == NULL &&
	    g.until == NULL))
		usage();
	if (g.nsets == 0)
		g.sets[g.nsets++] = "";
}

int
main(int argc, char *argv[])
{
	pthread_t	 tid;
	sqlite3		*pubdb;
	long		 i, k, faults;
	int		 kind;

	options(argc, argv);
	signal(SIGPIPE, SIG_IGN);	/* a closed connection is read as such */
	pubdb = g.pubdb != NULL ? pub_open() : NULL;
	g.nc = g.counts[K_POLL] + g.counts[K_SSE] + g.counts[K_NCHAN];
	if ((g.c = calloc((size_t)g.nc, sizeof(*g.c))) == NULL ||
	    (g.epfd = epoll_create1(0)) == -1)
		exit(2);
	for (kind = 0, i = 0; kind < K__MAX; kind++)
		for (k = 0; k < g.counts[kind]; k++, i++) {
			g.c[i].kind = (enum kind)kind;
			g.c[i].idx = (int)i;
			g.c[i].set = (int)(i % g.nsets);
			g.c[i].cursor = g.start;
			if ((g.c[i].buf = malloc(RBUF)) == NULL ||
			    (g.c[i].seen = calloc((size_t)g.messages, 1)) == NULL)
				exit(2);
		}
	if (g.verbose && (g.mlat = calloc((size_t)(g.nc * g.messages),
	    sizeof(*g.mlat))) == NULL)
		exit(2);
	/* Connect in steps, so the listen queues never overflow. */
	for (i = 0; i < g.nc; i++) {
		client_connect(&g.c[i]);
		if (i % 500 == 499)
			usleep(50000);
	}
	if (g.pubdb != NULL || g.puburl != NULL) {
		sleep(g.nc >= 5000 ? 5 : 2);	/* every request is waiting */
		cpu_account(-1);
		start_publisher(&tid, pubdb);
	}
	loop();
	cpu_account(1);
	if (g.pubdb != NULL || g.puburl != NULL) {
		pthread_join(tid, NULL);
		faults = report_bench();
	} else
		faults = g.db != NULL ? check() : 0;
	return faults || g.errors ? 1 : 0;
}
