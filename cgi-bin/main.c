/*
 * tickfeed.fcgi: the FastCGI JSON API over the tick store.
 *
 *   tickfeed.fcgi [-v] [-d db] [-l unix:/path | host:port] [-t threads]
 *                 [-o cors-origin] [-L stderr|syslog] [-m socket-mode]
 *                 [-w max-waiters] [-b heartbeat-ms] [-k key-file]
 *   tickfeed.fcgi -K key-file
 *
 * Settings: config.h (each flag has an environment twin; flags win).
 * Without a listen address it serves FastCGI on fd 0 when fd 0 is a
 * socket (mod_fcgid, spawn-fcgi), else answers one plain CGI request
 * (mod_cgi; RFC 3875) and exits.
 *
 * main() owns the process: it checks the settings, opens the socket,
 * starts the dispatcher of waiting requests (wait.h) and then the
 * workers, the threads that take requests and answer them (conn.h,
 * routes.h), each with its own struct worker (worker.h).
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

#include "auth.h"
#include "cache.h"
#include "config.h"
#include "conn.h"
#include "ep_wait.h"
#include "log.h"
#include "metrics.h"
#include "routes.h"
#include "wait.h"
#include "worker.h"

/*
 * After each commit every waiting client comes back at once (a long-poll
 * answer, then the next poll): the queue must hold such a burst.  The
 * kernel clamps it to net.core.somaxconn (4096 by default).
 */
#define LISTEN_BACKLOG	4096

static const char	*unix_path;	/* socket we created, unlinked on exit */

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

/*
 * A worker: serves requests forever.  Takes a connection with a request
 * to read (conn.c), reads and answers it, and the connection goes back
 * to the set when the web server keeps it.
 */
static void *
worker_loop(void *arg)
{
	struct worker	*w = arg;
	struct req	*r;
	int		 fd;

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
		if (route_dispatch(r, w) == HANDLER_DONE)
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

/* The dispatcher of long-poll and stream requests (wait.h). */
static void
main_wait(void)
{
	struct wait_config	wc = {
		.dbpath = cfg.db_path,
		.max_waiters = cfg.max_waiters,
		.heartbeat_ms = cfg.heartbeat_ms,
		.kinds = ep_wait_kinds,
		.on_finish = ep_wait_finish,
		.on_idle = conn_idle,
	};
	char			err[WAIT_ERRSZ];

	if (wait_init(&wc, err) == -1)
		fatalx("%s", err);
}

/*
 * Waits for SIGTERM, SIGINT or SIGHUP (blocked in every thread) and ends
 * the process; meanwhile, every second, the key file is looked at, so
 * that a process without requests keeps its keys current (auth.h).
 */
static void
main_signals(const sigset_t *set)
{
	const struct timespec	second = { 1, 0 };
	int			sig;

	for (;;) {
		if ((sig = sigtimedwait(set, NULL, &second)) > 0)
			main_shutdown(sig);
		if (sig == -1 && errno != EAGAIN && errno != EINTR)
			fatal("sigtimedwait");
		auth_tick();
	}
}

static int
run_fastcgi(int sock)
{
	struct worker	*w;
	pthread_t	 tid;
	sigset_t	 set;
	char		 err[CONN_ERRSZ];
	int		 i;

	if ((w = calloc((size_t)cfg.threads, sizeof(*w))) == NULL)
		fatal("calloc");
	req_unix_socket = main_is_unix(sock);
	auth_init(0);
	if (conn_init(sock, err) == -1)
		fatalx("%s", err);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	main_wait();
	for (i = 0; i < cfg.threads; i++) {
		worker_init(&w[i], i);
		if ((errno = pthread_create(&tid, NULL, worker_loop, &w[i])))
			fatal("pthread_create");
		pthread_detach(tid);
	}
	main_signals(&set);
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
	auth_init(1);
	worker_init(&w, 0);
	req_begin(r);
	if (route_dispatch(r, &w) == HANDLER_DONE)
		req_finish(r);
	worker_close(&w);
	cache_clear();		/* nothing outlives the one request */
	return 0;
}

int
main(int argc, char *argv[])
{
	main_fds();
	signal(SIGPIPE, SIG_IGN);	/* a gone client is a write error */
	config_load(argc, argv);
	if (cfg.keys_check != NULL)
		return auth_check_file(cfg.keys_check);
	log_init("tickfeed.fcgi", cfg.log, cfg.verbose);
	metrics_init(route_name, ROUTE__MAX);
	if (FCGX_Init() != 0)
		fatalx("FCGX_Init failed");
	if (cfg.listen != NULL)
		return run_fastcgi(main_listen());
	if (FCGX_IsCGI())
		return run_cgi();
	return run_fastcgi(0);
}
