/*
 * The waiting machinery (cgi-bin/wait.c) end to end, with real libfcgi and
 * a real SQLite store: this test plays the web server (it connects to a
 * FastCGI socket and speaks the protocol), accepts with FCGX_Accept_r,
 * parks the request, and commits ticks as the ingest tool would.  It
 * checks the bytes and records each client receives, the grouping (one
 * answer built per group), deadlines, departures, the cap, streams,
 * heartbeats, slow readers and the SQL fallback.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "db.h"
#include "tap.h"
#include "test_wait_db.h"
#include "timeutil.h"
#include "wait.h"

#define GUARD_MS 30000		/* a hang fails the test, never a slow run */

static char		 sock_path[108];
static int		 lsock;
static atomic_int	 delivers, finished, last_status;

/* ---- the endpoint under test: short, recognisable bytes ---- */

static void
t_deliver(struct buf *out, long long cursor, const char *t, size_t n)
{
	atomic_fetch_add(&delivers, 1);
	buf_printf(out, "D%lld[", cursor);
	buf_add(out, t, n);
	buf_add(out, "]", 1);
}

static void
t_expire(struct buf *out, long long cursor)
{
	buf_printf(out, "E%lld", cursor);
}

static void
t_beat(struct buf *out, long long cursor, int64_t newest_ts)
{
	buf_printf(out, "H%lld@%lld;", cursor, (long long)newest_ts);
}

static void
s_deliver(struct buf *out, long long cursor, const char *t, size_t n)
{
	atomic_fetch_add(&delivers, 1);
	buf_printf(out, "S%lld:%zu;", cursor, n);
	buf_add(out, t, n);
}

static const struct wait_ops poll_ops = { 0, t_deliver, t_expire, NULL };
static const struct wait_ops stream_ops = { 1, s_deliver, t_expire, t_beat };
static const struct wait_ops *const kinds[WAIT_KIND__MAX] = {
	[WAIT_POLL] = &poll_ops,
	[WAIT_STREAM] = &stream_ops,
};

static void
t_finish(void *owner, enum wait_kind kind, int status)
{
	(void)owner;
	(void)kind;
	atomic_store(&last_status, status);
	atomic_fetch_add(&finished, 1);
}

/* ---- the web server's side of FastCGI ---- */

static void
put_record(char *buf, size_t *off, int type, const void *body, size_t n)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(n >> 8), (unsigned char)n, 0, 0 };

	memcpy(buf + *off, h, 8);
	memcpy(buf + *off + 8, body, n);
	*off += 8 + n;
}

/* Connects and sends a whole GET request (id 1, no keep-alive). */
static int
client_request(void)
{
	static const unsigned char begin[8] = { 0, 1, 0 };
	static const char param[] = "\016\003REQUEST_METHODGET";
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	char			buf[256];
	size_t			off = 0;
	int			fd;

	put_record(buf, &off, 1, begin, sizeof(begin));
	put_record(buf, &off, 4, param, sizeof(param) - 1);
	put_record(buf, &off, 4, "", 0);
	put_record(buf, &off, 5, "", 0);
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    write(fd, buf, off) != (ssize_t)off)
		exit(1);
	return fd;
}

static int
read_full(int fd, void *p, size_t n)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	ssize_t		r;
	size_t		got = 0;

	while (got < n) {
		if (poll(&pfd, 1, GUARD_MS) != 1)
			return -1;
		if ((r = read(fd, (char *)p + got, n - got)) <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/*
 * Reads records until STDOUT content contains want (or the request ends
 * when want is NULL).  Appends the content to out.  Returns 1 if the
 * request ended (END_REQUEST seen, well formed), 0 if not, -1 on a
 * malformed record or a hang.
 */
static int
client_read(int fd, const char *want, char *out, size_t outsz)
{
	unsigned char	h[8], body[65536 + 256];
	size_t		n, pad, len = strlen(out);
	int		type;

	for (;;) {
		if (want != NULL && strstr(out, want) != NULL)
			return 0;
		if (read_full(fd, h, 8) == -1)
			return -1;
		n = (size_t)h[4] << 8 | h[5];
		pad = h[6];
		type = h[1];
		if (h[0] != 1 || h[2] != 0 || h[3] != 1 ||
		    read_full(fd, body, n + pad) == -1)
			return -1;
		if (type == 3)
			return n == 8 && memcmp(body, "\0\0\0\0\0\0\0\0", 8) == 0 ?
			    1 : -1;
		if (type != 6)
			return -1;
		if (len + n >= outsz)
			n = outsz - len - 1;
		memcpy(out + len, body, n);
		out[len += n] = '\0';
	}
}

/* Accepts the pending connection and parks it. */
static int
park(enum wait_kind kind, const char *syms, long long cursor,
    int64_t timeout_ms)
{
	FCGX_Request		req;
	struct wait_ticket	t = { .kind = kind, .cursor = cursor,
				    .scanned = cursor };
	int			rc;

	FCGX_InitRequest(&req, lsock, 0);
	if (FCGX_Accept_r(&req) != 0)
		return -1;
	if (*syms != '\0')
		symset_parse(&t.syms, syms, strlen(syms));
	symset_sort(&t.syms);
	t.deadline = wait_deadline(time_mono_ms(), timeout_ms);
	if (wait_reserve() != 0) {
		FCGX_Finish_r(&req);
		return -2;
	}
	rc = wait_park(&req, &t);
	tap_is_int(req.ipcFd, -1, "park takes the connection");
	FCGX_Finish_r(&req);	/* must touch nothing of it */
	return rc;
}

static int
until_adopted(long n)
{
	struct wait_stats	s;
	int			i;

	for (i = 0; i < GUARD_MS / 10; i++) {
		wait_stats_get(&s);
		if (s.adopted >= n)
			return 1;
		usleep(10000);
	}
	return 0;
}

static int
until_waiting(long n)
{
	struct wait_stats	s;
	int			i;

	for (i = 0; i < GUARD_MS / 10; i++) {
		wait_stats_get(&s);
		if (s.waiting == n)
			return 1;
		usleep(10000);
	}
	return 0;
}

static void
test_clamp(void)
{
	tap_is_int(wait_deadline(1000, 25000), 26000, "deadline adds");
	tap_is_int(wait_deadline(INT64_MAX - 5, 25000), INT64_MAX,
	    "deadline saturates");
	tap_is_int(wait_deadline(1000, -1), 1000, "negative timeout: now");
	tap_is_int(wait_timeout_clamp(-1, 25, 55), 25, "no timeout: default");
	tap_is_int(wait_timeout_clamp(3600, 25, 55), 55, "clamped to the cap");
	tap_is_int(wait_timeout_clamp(0, 25, 55), 0, "zero stays zero");
}

static void
test_poll(void)
{
	struct wait_stats	s0;
	char			out[200000];
	int			a, b[3], i, rc;

	a = client_request();
	tap_is_int(park(WAIT_POLL, "AAPL", 3, 600000), 0, "parked");
	commit_ticks(2, 1);		/* MSFT, id 4: not for a */
	commit_ticks(1, 1);		/* AAPL, id 5 */
	out[0] = '\0';
	tap_is_int(client_read(a, NULL, out, sizeof(out)), 1,
	    "answer ends the request");
	tap_is_str(out, "D5[{\"id\":5,\"symbol\":\"AAPL\",\"ts\":"
	    "1795858200001,\"price\":189.24,\"size\":100}]",
	    "only AAPL, cursor at head");
	close(a);
	tap_ok(until_waiting(0), "slot released");
	tap_is_int(atomic_load(&last_status), 200, "finished with 200");

	atomic_store(&delivers, 0);
	wait_stats_get(&s0);
	for (i = 0; i < 3; i++) {
		b[i] = client_request();
		park(WAIT_POLL, "MSFT,AAPL", 5, 600000);
	}
	/* All three in their group before the commit, or it is served twice. */
	tap_ok(until_adopted(s0.adopted + 3), "three adopted");
	commit_ticks(2, 2);		/* ids 6, 7 */
	for (i = 0, rc = 0; i < 3; i++) {
		out[0] = '\0';
		rc += client_read(b[i], NULL, out, sizeof(out)) == 1 &&
		    strncmp(out, "D7[{\"id\":6,", 11) == 0;
		close(b[i]);
	}
	tap_is_int(rc, 3, "three waiters, same bytes");
	tap_is_int(atomic_load(&delivers), 1, "built once for the group");

	a = client_request();
	park(WAIT_POLL, "AAPL", 0, 600000);	/* below the ring: SQL */
	out[0] = '\0';
	client_read(a, NULL, out, sizeof(out));
	tap_ok(strncmp(out, "D7[{\"id\":1,", 11) == 0 &&
	    strstr(out, "\"id\":5,") != NULL && strstr(out, "\"id\":4,") == NULL,
	    "cursor below the ring: read from SQL (%.40s)", out);
	close(a);

	a = client_request();
	park(WAIT_POLL, "AAPL", 7, 1500);
	out[0] = '\0';
	tap_is_int(client_read(a, NULL, out, sizeof(out)), 1, "deadline ends");
	tap_is_str(out, "E7", "empty answer, same cursor");
	close(a);
}

static void
test_batches(void)
{
	char	*out = malloc(400000);
	int	 a;
	size_t	 n;
	char	*p;

	a = client_request();
	park(WAIT_POLL, "", 7, 600000);
	commit_ticks(3, 1500);		/* ids 8..1507 */
	out[0] = '\0';
	tap_is_int(client_read(a, NULL, out, 400000), 1,
	    "a large answer spans records");
	for (n = 0, p = out; (p = strstr(p, "{\"id\"")) != NULL; p++)
		n++;
	tap_is_int(n, WAIT_BATCH_MAX, "capped at a batch");
	tap_ok(strncmp(out, "D1007[{\"id\":8,", 14) == 0,
	    "cursor is the last tick sent");
	close(a);
	a = client_request();
	park(WAIT_POLL, "", 1007, 600000);
	out[0] = '\0';
	client_read(a, NULL, out, 400000);
	for (n = 0, p = out; (p = strstr(p, "{\"id\"")) != NULL; p++)
		n++;
	tap_is_int(n, 500, "the rest next time");
	tap_ok(strncmp(out, "D1507[{\"id\":1008,", 17) == 0, "up to head");
	close(a);
	free(out);
}

static void
test_leave_and_cap(void)
{
	struct wait_stats	s0, s;
	int			a[4], i;

	wait_stats_get(&s0);
	a[0] = client_request();
	park(WAIT_POLL, "AAPL", 1507, 600000);
	tap_ok(until_waiting(1), "one waiting");
	close(a[0]);
	tap_ok(until_waiting(0), "a client that leaves frees its slot");
	tap_is_int(atomic_load(&last_status), 499, "recorded as 499");
	wait_stats_get(&s);
	tap_is_int(s.departed - s0.departed, 1, "counted as departed");

	for (i = 0; i < 4; i++) {
		a[i] = client_request();
		park(WAIT_STREAM, "AAPL", 1507, 600000);
	}
	tap_is_int(wait_reserve(), -1, "beyond the cap: refused");
	wait_stats_get(&s);
	tap_is_int(s.rejected - s0.rejected, 1, "counted as rejected");
	for (i = 0; i < 4; i++)
		close(a[i]);
	tap_ok(until_waiting(0), "all four freed");
}

static void
test_stream(void)
{
	char			out[4096] = "";
	struct wait_stats	s0, s;
	int			a, slow;

	a = client_request();
	park(WAIT_STREAM, "AAPL,BRK.B", 1507, 600000);
	commit_ticks(1, 2);		/* 1508, 1509 */
	tap_is_int(client_read(a, "S1509:", out, sizeof(out)), 0,
	    "first event");
	commit_ticks(2, 1);		/* 1510, MSFT */
	commit_ticks(3, 1);		/* 1511 */
	tap_is_int(client_read(a, "S1511:", out, sizeof(out)), 0,
	    "second event");
	tap_ok(strstr(out, "S1510") == NULL, "no event for MSFT alone");
	/* The newest tick: ts 1795858200000 + 1500 (test_batches). */
	tap_is_int(client_read(a, "H1511@1795858201500;", out, sizeof(out)), 0,
	    "heartbeat: the resume cursor, the newest tick's time");

	wait_stats_get(&s0);
	slow = client_request();	/* never reads */
	park(WAIT_STREAM, "", 1511, 600000);
	for (int i = 0; i < 40; i++)
		commit_ticks(2, 1000);	/* MSFT: for slow, not for a */
	for (int i = 0; i < GUARD_MS / 10; i++) {
		wait_stats_get(&s);
		if (s.dropped > s0.dropped)
			break;
		usleep(10000);
	}
	tap_is_int(s.dropped - s0.dropped, 1, "a reader too slow is dropped");
	close(slow);
	wait_fini();
	out[0] = '\0';
	tap_is_int(client_read(a, NULL, out, sizeof(out)), 1,
	    "shutdown ends the stream");
	tap_ok(strstr(out, "E1511") != NULL, "with its cursor (%.60s)", out);
	close(a);
}

int
main(void)
{
	char			 dir[] = "/tmp/test_wait.XXXXXX", path[64];
	char			 err[DB_ERRSZ];
	struct wait_config	 cfg = { .max_waiters = 4, .heartbeat_ms = 100,
				    .on_finish = t_finish };

	test_clamp();
	if (mkdtemp(dir) == NULL || FCGX_Init() != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/ticks.db", dir);
	snprintf(sock_path, sizeof(sock_path), "%s/fcgi.sock", dir);
	store_create(path, 0);
	if ((lsock = FCGX_OpenSocket(sock_path, 16)) < 0)
		return 1;
	cfg.dbpath = path;
	cfg.kinds = kinds;
	tap_is_int(wait_reserve(), -1, "no dispatcher: no waiting");
	if (wait_init(&cfg, err) != 0) {
		printf("# %s\n", err);
		return 1;
	}
	test_poll();
	test_batches();
	test_leave_and_cap();
	test_stream();
	sqlite3_close(wdb);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		tap_ok(0, "cleanup");
	return tap_done();
}
