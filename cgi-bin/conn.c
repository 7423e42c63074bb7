/*
 * The app's FastCGI connections: one epoll set shared by the accept
 * threads (see conn.h for why).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "metrics.h"

#define CONN_ACCEPT_PAUSE_US	100000	/* after EMFILE and friends */

static struct {
	int		 epfd;
	int		 listen;
	const char	*allow;		/* FCGI_WEB_SERVER_ADDRS, or NULL */
} conn = { -1, -1, NULL };

/* Arms fd for one readable event (op: EPOLL_CTL_ADD or _MOD). */
static int
conn_arm(int fd, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
	    .data.fd = fd };

	return epoll_ctl(conn.epfd, op, fd, &ev);
}

int
conn_init(int listen_fd, char *err)
{
	const char *allow = getenv("FCGI_WEB_SERVER_ADDRS");

	conn.listen = listen_fd;
	conn.allow = allow != NULL && *allow != '\0' ? allow : NULL;
	if (fcntl(listen_fd, F_SETFL,
	    fcntl(listen_fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    (conn.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    conn_arm(listen_fd, EPOLL_CTL_ADD) == -1) {
		snprintf(err, CONN_ERRSZ, "connections: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * libfcgi's own accept honours FCGI_WEB_SERVER_ADDRS (a comma-separated
 * list of IPv4 addresses allowed to connect over TCP); so does this one.
 */
static int
conn_allowed(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 addr[INET_ADDRSTRLEN];
	const char		*p;
	size_t			 n;

	if (conn.allow == NULL)
		return 1;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (ss.ss_family != AF_INET)
		return ss.ss_family == AF_UNIX;
	inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr,
	    sizeof(addr));
	n = strlen(addr);
	for (p = conn.allow; p != NULL; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, addr, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	log_warnx("connection from %s refused (FCGI_WEB_SERVER_ADDRS)", addr);
	return 0;
}

/*
 * A new connection, or -1.  Over TCP, Nagle's algorithm would hold back
 * the END_REQUEST record that follows an answer on a kept connection.
 */
static int
conn_accept(void)
{
	int fd, one = 1, saved;

	fd = accept4(conn.listen, NULL, NULL, SOCK_CLOEXEC);
	saved = errno;
	if (conn_arm(conn.listen, EPOLL_CTL_MOD) == -1)
		fatal("epoll_ctl listen");
	if (fd == -1) {
		if (saved == EMFILE || saved == ENFILE || saved == ENOBUFS ||
		    saved == ENOMEM) {
			log_warnx("accept: %s", strerror(saved));
			usleep(CONN_ACCEPT_PAUSE_US);
		}
		return -1;
	}
	if (!conn_allowed(fd)) {
		close(fd);
		return -1;
	}
	metrics_connection();
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int
conn_next(void)
{
	struct epoll_event	ev;
	char			c;
	int			fd, n;

	for (;;) {
		n = epoll_wait(conn.epfd, &ev, 1, -1);
		if (n == -1 && errno != EINTR)
			fatal("epoll_wait");
		if (n <= 0)
			continue;
		if (ev.data.fd != conn.listen)
			return ev.data.fd;	/* a request, or its end */
		if ((fd = conn_accept()) == -1)
			continue;
		/*
		 * The web server writes its request right after connecting;
		 * one that has not yet (or a probe that never will) waits in
		 * the set, not on a thread.
		 */
		if (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != -1 ||
		    (errno != EAGAIN && errno != EWOULDBLOCK))
			return fd;
		if (conn_arm(fd, EPOLL_CTL_ADD) == -1) {
			log_warn("epoll_ctl");
			close(fd);
		}
	}
}

void
conn_idle(int fd)
{
	if (conn_arm(fd, EPOLL_CTL_MOD) == 0 ||
	    (errno == ENOENT && conn_arm(fd, EPOLL_CTL_ADD) == 0))
		return;
	log_warn("epoll_ctl fd %d", fd);
	close(fd);
}
