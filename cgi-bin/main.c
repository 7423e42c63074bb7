/*
 * tickfeed.fcgi: the FastCGI JSON API over the tick store.
 *
 *   tickfeed.fcgi [-v] [-d db] [-l unix:/path | host:port] [-t threads]
 *                 [-o cors-origin] [-L stderr|syslog] [-m socket-mode]
 *
 * Each flag has an environment twin (TICKFEED_DB, TICKFEED_LISTEN,
 * TICKFEED_THREADS, TICKFEED_CORS_ORIGIN, TICKFEED_LOG); flags win.
 * Without a listen address it serves FastCGI on fd 0 when fd 0 is a
 * socket (mod_fcgid, spawn-fcgi), else answers one plain CGI request
 * (mod_cgi; RFC 3875) and exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcgiapp.h>

#include "conn.h"
#include "db.h"
#include "log.h"
#include "routes.h"
#include "timeutil.h"
#include "valid.h"
#include "worker.h"

#define THREADS_MAX	64
/*
 * After each commit every waiting client comes back at once (a long-poll
 * answer, then the next poll): the queue must hold such a burst.  The
 * kernel clamps it to net.core.somaxconn (4096 by default).
 */
#define LISTEN_BACKLOG	4096

static const char	*unix_path;	/* socket we created, unlinked on exit */

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: tickfeed.fcgi [-v] [-d db] [-l unix:/path | "
	    "host:port] [-t threads]\n\t[-o cors-origin] [-L stderr|syslog] "
	    "[-m socket-mode]\n");
	exit(2);
}

/* fds 0-2 open, so no later open() lands on one of them by accident. */
static void
main_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == -1)
			exit(1);
}

static int64_t
main_int(const char *what, const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (valid_int64(s, strlen(s), min, max, &v) == -1)
		fatalx("%s must be an integer %lld..%lld", what,
		    (long long)min, (long long)max);
	return v;
}

/* A header value must not carry CR, LF or other controls. */
static void
main_origin(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= CORS_ORIGIN_MAX)
		fatalx("cors origin must be 1..%d bytes", CORS_ORIGIN_MAX - 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			fatalx("cors origin: bad character at %zu", i);
	memcpy(cfg.cors_origin, s, n + 1);
}

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

static void
main_config(int argc, char *argv[], enum log_target *lt, int *verbose)
{
	const char	*origin, *log = env_or("TICKFEED_LOG", "stderr"), *s;
	int		 ch;

	cfg.db_path = env_or("TICKFEED_DB", DB_DEFAULT_PATH);
	cfg.listen = env_or("TICKFEED_LISTEN", NULL);
	cfg.threads = (int)main_int("TICKFEED_THREADS",
	    env_or("TICKFEED_THREADS", "4"), 1, THREADS_MAX);
	cfg.socket_mode = 0666;
	origin = env_or("TICKFEED_CORS_ORIGIN", "*");
	/*
	 * Under CGI, argv is not ours: RFC 3875 4.4 has the server pass a
	 * query without '=' (?symbol) as command-line words.
	 */
	if (getenv("GATEWAY_INTERFACE") != NULL)
		argc = 1;
	while ((ch = getopt(argc, argv, "d:hl:L:m:o:t:v")) != -1) {
		switch (ch) {
		case 'd': cfg.db_path = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'L': log = optarg; break;
		case 'm': cfg.socket_mode = (int)strtol(optarg, NULL, 8); break;
		case 'o': origin = optarg; break;
		case 't': cfg.threads = (int)main_int("threads", optarg, 1,
		    THREADS_MAX); break;
		case 'v': (*verbose)++; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (log_target_parse(log, lt) == -1)
		fatalx("log target must be stderr or syslog");
	if ((s = getenv("TICKFEED_NOW")) != NULL && *s != '\0')
		cfg.now_ms = main_int("TICKFEED_NOW", s, 1, TS_MAX);
	main_origin(origin);
}

/* Opens the listening socket named by cfg.listen. */
static int
main_listen(void)
{
	const char	*a = cfg.listen;
	struct stat	 sb;
	int		 fd;

	if (strncmp(a, "unix:", 5) == 0)
		a += 5;
	if (a[0] == '/') {
		if (lstat(a, &sb) == 0 && S_ISSOCK(sb.st_mode))
			unlink(a);	/* a stale socket from an earlier run */
		unix_path = a;
	}
	if ((fd = FCGX_OpenSocket(a, LISTEN_BACKLOG)) < 0)
		fatal("listen on %s", cfg.listen);
	if (unix_path != NULL && chmod(unix_path, (mode_t)cfg.socket_mode))
		fatal("chmod %s", unix_path);
	log_info("listening on %s, %d threads", cfg.listen, cfg.threads);
	return fd;
}

struct thread_arg {
	struct worker	w;
};

/*
 * Serves requests forever: takes a connection with a request to read
 * (conn.c), reads and answers it, and the connection goes back to the
 * set when the web server keeps it.
 */
static void *
accept_loop(void *arg)
{
	struct thread_arg	*ta = arg;
	struct req		*r;
	int			 fd;

	for (;;) {
		fd = conn_next();
		if ((r = req_new_fcgi(fd)) == NULL) {
			log_warnx("out of memory for a request");
			close(fd);
			sleep(1);
			continue;
		}
		/* Fails when the web server closed the connection. */
		if (FCGX_Accept_r(&r->fcgx) < 0) {
			free(r);
			continue;
		}
		req_begin(r);
		if (route_dispatch(r, &ta->w) == HANDLER_DONE)
			req_finish(r);
	}
	return NULL;
}

static void
main_shutdown(int sig)
{
	log_info("signal %d: exiting", sig);
	if (unix_path != NULL)
		unlink(unix_path);
	exit(0);
}

/* Whether sock is a unix-domain socket (no TCP RST to guard against). */
static int
main_is_unix(int sock)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getsockname(sock, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	return ss.ss_family == AF_UNIX;
}

static int
run_fastcgi(int sock)
{
	struct thread_arg	*ta;
	pthread_t		 tid;
	sigset_t		 set;
	char			 err[CONN_ERRSZ];
	int			 i, sig;

	if ((ta = calloc((size_t)cfg.threads, sizeof(*ta))) == NULL)
		fatal("calloc");
	req_unix_socket = main_is_unix(sock);
	if (conn_init(sock, err) == -1)
		fatalx("%s", err);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < cfg.threads; i++) {
		worker_init(&ta[i].w, i);
		if ((errno = pthread_create(&tid, NULL, accept_loop, &ta[i])))
			fatal("pthread_create");
		pthread_detach(tid);
	}
	if (sigwait(&set, &sig) != 0)
		fatalx("sigwait");
	main_shutdown(sig);
	return 0;
}

/* RFC 3875: one request from the environment, the answer on stdout. */
static int
run_cgi(void)
{
	struct worker	 w;
	struct req	*r;

	if ((r = req_new_cgi()) == NULL)
		fatal("calloc");
	worker_init(&w, 0);
	req_begin(r);
	if (route_dispatch(r, &w) == HANDLER_DONE)
		req_finish(r);
	worker_close(&w);
	return 0;
}

int
main(int argc, char *argv[])
{
	enum log_target	lt;
	int		verbose = 0;

	main_fds();
	signal(SIGPIPE, SIG_IGN);	/* a gone client is a write error */
	main_config(argc, argv, &lt, &verbose);
	log_init("tickfeed.fcgi", lt, verbose);
	if (FCGX_Init() != 0)
		fatalx("FCGX_Init failed");
	if (cfg.listen != NULL)
		return run_fastcgi(main_listen());
	if (FCGX_IsCGI())
		return run_cgi();
	return run_fastcgi(0);
}
