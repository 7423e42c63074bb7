/*
 * The malloc-failure loop over the request path (after jansson's
 * test/suites/api/test_chaos.c).  Each request below is first answered
 * with every allocation succeeding, counting the allocations it makes;
 * then it is answered again once per allocation, that one allocation
 * failing.  Every answer must be clean: the normal one (the failure was
 * absorbed) or a 503 whose body is the API's JSON error (none to HEAD);
 * nothing crashes, and once the worker is closed no allocation is left
 * live (the count of live blocks is back where it started).
 *
 * How allocations are made to fail:
 *   - plain build: this program defines malloc, calloc, realloc and free
 *     (glibc allows replacing them, "Replacing malloc" in its manual) on
 *     top of __libc_malloc and friends, so every allocation of the
 *     process goes through one counter: ours, SQLite's, jansson's,
 *     liburiparser's, stdio's;
 *   - under ASan (make sanitize) the sanitizer owns malloc, so the loop
 *     goes through the libraries' own hooks instead: jansson's
 *     json_set_alloc_funcs, SQLite's SQLITE_CONFIG_MALLOC and the JSON
 *     writer's jw_set_alloc; LeakSanitizer checks for leaks at exit.
 *
 * The request runs as plain CGI (req_new_cgi), the way the golden suite
 * runs the binary, its answer captured from stdout.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdint.h>
#include <jansson.h>
#include <sqlite3.h>

#include "config.h"
#include "db.h"
#include "jsonw.h"
#include "log.h"
#include "req.h"
#include "routes.h"
#include "tap.h"
#include "worker.h"

#if defined(__SANITIZE_ADDRESS__)
#define CHAOS_HOOKS	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHAOS_HOOKS	1
#endif
#endif

static long	chaos_calls;	/* allocations counted while armed */
static long	chaos_fail_at;	/* fail this one (1-based); 0: none */
static int	chaos_armed;
static long	chaos_failed;	/* how many were made to fail */
static int	chaos_via_hooks;	/* failing through the hooks below */

/* Valgrind preloads its allocator: this program's malloc is not called. */
static int
chaos_under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL;
}

/* 1 when this allocation is the one to fail. */
static int
chaos_fail(void)
{
	if (!chaos_armed)
		return 0;
	if (++chaos_calls == chaos_fail_at) {
		chaos_failed++;
		return 1;
	}
	return 0;
}

#ifndef CHAOS_HOOKS
/* The process's allocator: glibc's, counted and failed on demand. */
extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);
extern void	 __libc_free(void *);
static long	 chaos_live;	/* blocks allocated and not freed */

void	*malloc(size_t);
void	*calloc(size_t, size_t);
void	*realloc(void *, size_t);
void	 free(void *);

void *
malloc(size_t n)
{
	void *p;

	if (chaos_fail())
		return NULL;
	if ((p = __libc_malloc(n)) != NULL)
		__atomic_add_fetch(&chaos_live, 1, __ATOMIC_RELAXED);
	return p;
}

void *
calloc(size_t n, size_t sz)
{
	void *p;

	if (chaos_fail())
		return NULL;
	if ((p = __libc_calloc(n, sz)) != NULL)
		__atomic_add_fetch(&chaos_live, 1, __ATOMIC_RELAXED);
	return p;
}

void *
realloc(void *old, size_t n)
{
	void *p;

	if (chaos_fail())
		return NULL;
	if ((p = __libc_realloc(old, n)) != NULL && old == NULL)
		__atomic_add_fetch(&chaos_live, 1, __ATOMIC_RELAXED);
	return p;
}

void
free(void *p)
{
	if (p != NULL)
		__atomic_sub_fetch(&chaos_live, 1, __ATOMIC_RELAXED);
	__libc_free(p);
}

#endif

/*
 * The libraries' hooks, each failing through chaos_fail(): under ASan,
 * and under valgrind, which replaces this program's malloc with its own.
 */
static sqlite3_mem_methods	chaos_sqlite_real;

static void *
chaos_json_malloc(size_t n)
{
	return chaos_fail() ? NULL : malloc(n);
}

static void
chaos_json_free(void *p)
{
	free(p);
}

static void *
chaos_jw_realloc(void *p, size_t n)
{
	return chaos_fail() ? NULL : realloc(p, n);
}

static void *
chaos_sqlite_malloc(int n)
{
	return chaos_fail() ? NULL : chaos_sqlite_real.xMalloc(n);
}

static void *
chaos_sqlite_realloc(void *p, int n)
{
	return chaos_fail() ? NULL : chaos_sqlite_real.xRealloc(p, n);
}

static int
chaos_install(void)
{
	sqlite3_mem_methods m;

#ifndef CHAOS_HOOKS
	if (!chaos_under_valgrind())
		return 0;	/* the malloc above sees everything */
#endif
	chaos_via_hooks = 1;

	json_set_alloc_funcs(chaos_json_malloc, chaos_json_free);
	buf_set_alloc(chaos_jw_realloc);
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &chaos_sqlite_real) !=
	    SQLITE_OK)
		return -1;
	m = chaos_sqlite_real;
	m.xMalloc = chaos_sqlite_malloc;
	m.xRealloc = chaos_sqlite_realloc;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

static long
chaos_live_blocks(void)
{
#ifndef CHAOS_HOOKS
	if (!chaos_via_hooks)
		return chaos_live;
#endif
	return 0;	/* LeakSanitizer or valgrind count at exit */
}

struct chaos_case {
	const char	*method;
	const char	*uri;		/* path?query */
	const char	*header;	/* "NAME=value" CGI variable, or NULL */
	int		 status;	/* the normal answer's */
};

static const struct chaos_case cases[] = {
	{ "GET", "/api/v1/symbols", NULL, 200 },
	{ "GET", "/api/v1/quotes?symbols=AAPL,MSFT,EURUSD", NULL, 200 },
	{ "GET", "/api/v1/ticks?symbol=AAPL&since=2&limit=3", NULL, 200 },
	{ "GET", "/api/v1/ticks?symbol=AAPL&from=2024-01-03T00:00:00Z", NULL,
	    200 },
	{ "GET", "/api/v1/candles?symbol=AAPL&interval=5m", NULL, 200 },
	{ "GET", "/api/v1/candles?symbol=EURUSD&interval=1d", NULL, 200 },
	{ "GET", "/api/v1/ticks?symbol=AAPL&order=desc&before=12&limit=2", NULL,
	    200 },
	{ "GET", "/api/v1/candles?symbol=AAPL&interval=1w&from=0&limit=1", NULL,
	    200 },
	{ "GET", "/api/v1/ticks?symbol=AAPL&since=5&before=5", NULL, 400 },
	{ "GET", "/api/v1/health", NULL, 200 },
	{ "GET", "/api/v1/metrics", NULL, 200 },
	{ "HEAD", "/api/v1/quotes?symbols=AAPL", NULL, 200 },
	{ "GET", "/api/v1/quotes?symbols=AAPL",
	    "HTTP_IF_NONE_MATCH=\"0942e4e976c79044\"", 304 },
	{ "OPTIONS", "/api/v1/ticks", NULL, 204 },
	{ "GET", "/api/v1/ticks?symbol=AAPL&limit=0", NULL, 400 },
	{ "GET", "/api/v1/quotes?symbols=AAPL&symbols=MSFT", NULL, 400 },
	{ "GET", "/api/v1/quotes?%66oo=1", NULL, 400 },
	{ "GET", "/api/v1/ticks?symbol=NOPE", NULL, 404 },
	{ "GET", "/api/v1/nothing", NULL, 404 },
	{ "DELETE", "/api/v1/ticks", NULL, 405 },
};
#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static int	 out_fd;		/* where answers go (fd 1 while running) */
static int	 tap_fd;		/* where TAP goes (the real stdout) */
static char	 out_buf[1 << 16];	/* stdout's buffer: no allocation */
static char	 answer[1 << 16];

/* fd 1 to the real stdout for TAP lines (to_tap 1), or back to answers. */
static void
chaos_fd1(int to_tap)
{
	fflush(stdout);
	dup2(to_tap ? tap_fd : out_fd, STDOUT_FILENO);
}

/* Sets the CGI environment of one request. */
static void
chaos_env(const struct chaos_case *c)
{
	const char *q = strchr(c->uri, '?');

	unsetenv("HTTP_IF_NONE_MATCH");
	setenv("REQUEST_METHOD", c->method, 1);
	setenv("REQUEST_URI", c->uri, 1);
	setenv("QUERY_STRING", q ? q + 1 : "", 1);
	if (c->header != NULL)
		putenv((char *)(uintptr_t)c->header);
}

/* Runs the request once (armed when fail_at > 0); the answer's status. */
static int
chaos_run(long fail_at, long *calls)
{
	struct worker	 w;
	struct req	*r;
	ssize_t		 n;
	int		 status = -1;

	worker_init(&w, 0);
	chaos_calls = 0;
	chaos_fail_at = fail_at;
	chaos_armed = 1;
	if ((r = req_new_cgi()) == NULL) {
		chaos_armed = 0;
		worker_close(&w);
		*calls = chaos_calls;
		return 0;	/* main() would exit cleanly: no answer */
	}
	req_begin(r);
	if (route_dispatch(r, &w) == HANDLER_DONE)
		req_finish(r);
	chaos_armed = 0;
	*calls = chaos_calls;
	worker_close(&w);
	fflush(stdout);
	n = pread(out_fd, answer, sizeof(answer) - 1, 0);
	answer[n > 0 ? n : 0] = '\0';
	if (ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) == -1)
		return -1;
	if (sscanf(answer, "Status: %d ", &status) != 1)
		return -1;
	return status;
}

/*
 * A clean failed answer: 503 with the API's JSON error as its body (no
 * body to HEAD), its Content-Length right.
 */
static int
chaos_clean_error(const struct chaos_case *c, int status)
{
	const char	*body = strstr(answer, "\r\n\r\n"), *cl;
	size_t		 len;

	if (status != 503 || body == NULL ||
	    (cl = strstr(answer, "Content-Length: ")) == NULL || cl > body)
		return 0;
	body += 4;
	len = strlen(body);
	if (strcmp(c->method, "HEAD") == 0)
		return len == 0;
	return strtoul(cl + 16, NULL, 10) == len &&
	    strncmp(body, "{\"error\":{\"code\":\"", 18) == 0 &&
	    strcmp(body + len - 3, "\"}}") == 0;
}

/* The loop over one case; returns the number of allocation points. */
static long
chaos_case(const struct chaos_case *c, int stride)
{
	long		 calls, total, i, live0, bad = 0, leaky = 0, absorbed = 0;
	long		 errors = 0;
	int		 st;

	chaos_env(c);
	chaos_fd1(0);
	st = chaos_run(0, &total);	/* warms lazy globals up */
	st = chaos_run(0, &total);
	chaos_fd1(1);
	tap_is_int(st, c->status, "%s %s: %d with no failure (%ld allocations "
	    "seen)", c->method, c->uri, c->status, total);
	live0 = chaos_live_blocks();
	for (i = 1; i <= total; i += stride) {
		chaos_fd1(0);
		st = chaos_run(i, &calls);
		chaos_fd1(1);
		if (st == c->status)
			absorbed++;
		else if (chaos_clean_error(c, st))
			errors++;
		else if (st != 0 && bad++ < 3)
			printf("# failing allocation %ld: answer %d: %.200s\n",
			    i, st, answer);
		if (chaos_live_blocks() != live0 && leaky++ < 3)
			printf("# failing allocation %ld: %ld blocks leaked\n",
			    i, chaos_live_blocks() - live0);
	}
	tap_ok(bad == 0, "%s %s: each failing allocation gives the answer "
	    "or a clean 503 (%ld absorbed, %ld 503s)", c->method, c->uri,
	    absorbed, errors);
	tap_ok(leaky == 0, "%s %s: no allocation leaked", c->method, c->uri);
	return total;
}

/* The golden fixture, in a fresh database at path. */
static int
chaos_db(const char *path)
{
	sqlite3	*db;
	char	 err[DB_ERRSZ], *sql = NULL, *msg = NULL;
	FILE	*fp;
	long	 n;
	int	 rc = -1;

	unlink(path);
	if (db_open(path, DB_READWRITE, &db, err) != DB_OK)
		return -1;
	if ((fp = fopen("tests/golden/fixture.sql", "r")) == NULL ||
	    fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    (sql = calloc(1, (size_t)n + 1)) == NULL)
		goto out;
	rewind(fp);
	if (fread(sql, 1, (size_t)n, fp) == (size_t)n &&
	    sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	sqlite3_free(msg);
	free(sql);
	sqlite3_close(db);
	return rc;
}

/* The ticks in the fixture store, or -1. */
static int
chaos_count(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*st = NULL;
	char		 err[DB_ERRSZ];
	int		 n = -1;

	if (db_open(path, DB_READONLY, &db, err) != DB_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM ticks", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

int
main(void)
{
	char	 dbpath[] = "/tmp/tickfeed-chaos.XXXXXX";
	int	 fd, stride = 1;
	long	 points = 0;
	size_t	 i;

	/* Under valgrind every run is slow: try every 7th point. */
	if (chaos_under_valgrind())
		stride = 7;
	/* SQLite takes hooks only before its first use. */
	tap_ok(chaos_install() == 0, "allocation hooks installed");
	if ((fd = mkstemp(dbpath)) == -1 || chaos_db(dbpath) == -1) {
		printf("Bail out! cannot build the fixture database\n");
		return 1;
	}
	close(fd);
	tap_is_int(chaos_count(dbpath), 15, "fixture database built: 15 ticks");
	fflush(stdout);
	/* Answers go to a memory file, TAP to the real stdout, logs away. */
	if ((tap_fd = dup(STDOUT_FILENO)) == -1 ||
	    (out_fd = memfd_create("answers", 0)) == -1 ||
	    (fd = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		printf("Bail out! cannot capture stdout\n");
		return 1;
	}
	close(fd);
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	cfg.db_path = dbpath;
	cfg.now_ms = 1704326490000LL;
	strcpy(cfg.cors_origin, "*");
	log_init("test_chaos", LOG_TARGET_STDERR, -1);
	for (i = 0; i < NCASES; i++)
		points += chaos_case(&cases[i], stride);
	chaos_armed = 0;
	chaos_fd1(1);
	/* Not vacuous: the allocations were seen and made to fail. */
	tap_ok(points > 1000 && chaos_failed >= points / stride, "%ld "
	    "allocations failed on purpose over %zu requests%s", chaos_failed,
	    NCASES, chaos_via_hooks ? " (through the library hooks)" : "");
	unlink(dbpath);
	return tap_done();
}
