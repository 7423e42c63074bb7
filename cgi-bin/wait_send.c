/*
 * Writing to one parked request, and ending it.  The dispatcher writes
 * the FastCGI records itself (frame.h) with non-blocking sends; what the
 * socket does not take is kept in the waiter and written as the socket
 * drains (EPOLLOUT).  Dispatcher thread only.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"
#include "wait_int.h"

/*
 * The dispatcher never blocks on a socket, yet the connection stays in
 * blocking mode for libfcgi: a kept one goes back to it (conn.h) without
 * two fcntl calls each way.
 */
#define WAIT_SEND_FLAGS		(MSG_DONTWAIT | MSG_NOSIGNAL)

static struct wait_disp *const disp = &wait_disp;

/* Whether bytes wait for the socket. */
static int
wait_pending(const struct waiter *w)
{
	return w->pend.len > 0;
}

int
wait_flush(struct waiter *w)
{
	ssize_t n;

	while (w->pend_off < w->pend.len) {
		n = send(w->fd, w->pend.p + w->pend_off,
		    w->pend.len - w->pend_off, WAIT_SEND_FLAGS);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		w->pend_off += (size_t)n;
	}
	buf_free(&w->pend);
	w->pend_off = 0;
	return 0;
}

void
wait_epoll(struct waiter *w, int op)
{
	struct epoll_event ev = { .data.ptr = w, .events = EPOLLIN |
	    EPOLLRDHUP | (wait_pending(w) ? EPOLLOUT : 0) };

	if (epoll_ctl(disp->epfd, op, w->fd, &ev) == -1)
		log_warn("wait: epoll_ctl fd %d", w->fd);
}

/* Sends what it can of f now; the offset reached, or -1 when gone. */
static ssize_t
wait_send_now(struct waiter *w, const struct buf *f)
{
	size_t	off = 0;
	ssize_t	n;

	while ((n = send(w->fd, f->p + off, f->len - off,
	    WAIT_SEND_FLAGS)) > 0 && (off += (size_t)n) < f->len)
		;
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR)
		return -1;
	return (ssize_t)off;
}

/*
 * Sends payload to w (the end of its request with final).  What the
 * socket does not take now is kept and written when it can; a waiter
 * with more than WAIT_PEND_MAX bytes unread is dropped.  May finish (and
 * free) w: the caller must not touch w afterwards.
 */
void
wait_send(struct waiter *w, const char *p, size_t len, int final,
    int status)
{
	struct buf	*f = &disp->frame;
	int		 had = wait_pending(w);
	ssize_t		 off = 0;

	buf_reset(f);
	frame_stdout(f, w->rid, p, len, final);
	if (f->oom || w->pend.len - w->pend_off + f->len > WAIT_PEND_MAX) {
		atomic_fetch_add(&disp->dropped, 1);
		wait_finish(w, WAIT_STATUS_GONE);
		return;
	}
	if (!had && (off = wait_send_now(w, f)) == -1) {
		atomic_fetch_add(&disp->departed, 1);
		wait_finish(w, WAIT_STATUS_GONE);
		return;
	}
	if ((size_t)off < f->len)
		buf_add(&w->pend, f->p + off, f->len - (size_t)off);
	if (w->pend.oom) {
		wait_finish(w, WAIT_STATUS_GONE);
		return;
	}
	if (final) {
		w->closing = 1;
		w->status = status;
	}
	if (wait_flush(w) == -1) {
		atomic_fetch_add(&disp->departed, 1);
		wait_finish(w, WAIT_STATUS_GONE);
	} else if (!wait_pending(w) && w->closing && disp->deferring) {
		w->dnext = disp->done;
		disp->done = w;
	} else if (!wait_pending(w) && w->closing)
		wait_finish(w, w->status);
	else if (had != wait_pending(w))
		wait_epoll(w, EPOLL_CTL_MOD);
}

/*
 * Gives a connection whose request was answered whole back to the app
 * (on_idle), when the web server keeps it: out of our epoll set first,
 * since its next request is not ours.
 */
static int
wait_unpark(struct waiter *w, int status)
{
	if (!w->keep || status == WAIT_STATUS_GONE ||
	    disp->cfg.on_idle == NULL ||
	    epoll_ctl(disp->epfd, EPOLL_CTL_DEL, w->fd, NULL) == -1)
		return -1;
	disp->cfg.on_idle(w->fd);
	return 0;
}

/*
 * Ends w: closes its connection (or gives it back) and gives its owner
 * back.  Frees w.
 */
void
wait_finish(struct waiter *w, int status)
{
	wait_leave(w);
	LIST_REMOVE(w, entry);
	if (wait_unpark(w, status) == -1)
		close(w->fd);
	buf_free(&w->pend);
	free(w->ticket);
	atomic_fetch_sub(&disp->waiting, 1);
	if (disp->cfg.on_finish != NULL)
		disp->cfg.on_finish(w->owner, w->kind, status);
	free(w);
}
