/*
 * The app's FastCGI connections: kept connections without a thread each.
 *
 * A web server that keeps its FastCGI connections open between requests
 * (nginx `fastcgi_keep_conn on` with `keepalive` in the upstream) saves a
 * connect, an accept and a close on both sides of every request.  But
 * libfcgi reads the next request of a kept connection with a blocking
 * read, so a thread serving one sits on it while it is idle: with four
 * threads and nginx holding dozens of idle connections, requests queued
 * behind idle ones (DESIGN.md measured a 3.8 s p99).
 *
 * So no thread ever waits on one connection.  All workers wait in
 * one epoll set holding the listening socket and every idle connection,
 * each armed for one event (EPOLLONESHOT): a readable connection goes to
 * exactly one thread, which reads the request with libfcgi
 * (FCGX_Accept_r on an open connection reads, it does not accept),
 * answers it, and puts the connection back in the set (conn_idle) when
 * the web server asked to keep it.  A parked long-poll's connection
 * leaves the set for the dispatcher (wait.c) and comes back the same way
 * once answered.  A connection the web server closed is found readable
 * at its end; libfcgi's read fails and closes it.
 */
#ifndef TICKFEED_CONN_H
#define TICKFEED_CONN_H

#define CONN_ERRSZ	256

/*
 * Takes the listening socket (made non-blocking).  Returns 0, or -1 with
 * a message in err[CONN_ERRSZ].
 */
int	conn_init(int listen_fd, char *err);
/*
 * Blocks until a connection has a request to read, and returns its fd
 * (blocking mode, out of the set until conn_idle).  Any number of
 * threads may wait here at once.
 */
int	conn_next(void);
/*
 * Puts the open connection fd back in the set, to be handed out when
 * its next request comes; fd must be in blocking mode.  Any thread.
 */
void	conn_idle(int fd);

#endif
