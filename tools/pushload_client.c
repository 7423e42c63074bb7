/*
 * pushload's clients: one request at a time on one connection each,
 * read by the loop in pushload.c.  Long-poll answers (Content-Length or
 * chunked) are taken whole; event streams (text/event-stream, the HTML
 * standard's "Server-sent events" section) event by event.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pushload.h"

/* 1 for the kinds that read an event stream rather than answers. */
static int
is_stream(enum kind k)
{
	return k == K_SSE || k == K_NCHAN_SSE;
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

/*
 * Bench: message m (0-based) reached c at t, sent at stamp (us, wall
 * clock).  Counts it once, its latency the first time; a message older
 * than one already seen is out of order.  Others' messages are ignored.
 */
static void
deliver(struct client *c, long m, int64_t t, int64_t stamp)
{
	if (m < 0 || m >= g.messages)
		return;
	if (m < c->last)
		c->disorder++;
	else
		c->last = m;
	if (c->seen[m]++ == 0)
		lat_add(c, m, t - stamp);
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
	case K_NCHAN_SSE:
		return snprintf(out, sz, "GET /es/bench HTTP/1.0\r\nHost: "
		    "127.0.0.1\r\nAccept: text/event-stream\r\n%s%s%s\r\n",
		    *c->etag ? "Last-Event-ID: " : "", c->etag,
		    *c->etag ? "\r\n" : "");
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

/* Connects to 127.0.0.1:-p and sends the first request; exits on failure. */
void
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

void
client_reconnect(struct client *c)
{
	close(c->fd);
	g.reconnects++;
	c->abandon_at = 0;
	client_connect(c);
}

/* ---- answers -------------------------------------------------------------- */

/*
 * Every "id": of a JSON answer or event, in order.  The bench's ticks
 * are the messages from pub_base on; the stamp is their "size" (plus
 * stamp_base).
 */
static void
client_ticks(struct client *c, const char *p, const char *end)
{
	long long	id;
	int64_t		t = now_us();
	const char	*s;

	while ((p = memmem(p, (size_t)(end - p), "{\"id\":", 6)) != NULL) {
		id = strtoll(p + 6, NULL, 10);
		p += 6;
		if ((g.pub == PUB_DB || g.pub == PUB_FEED) && (s = memmem(p,
		    (size_t)(end - p), "\"size\":", 7)) != NULL)
			deliver(c, (long)(id - g.pub_base), t,
			    g.stamp_base + strtoll(s + 7, NULL, 10));
		if (g.db != NULL)
			ids_add(&c->got, id);
	}
}

/* An Nchan message: the body pub_nchan() sent, "SEQ USEC". */
static void
client_nchan_msg(struct client *c, const char *body)
{
	long long	seq;
	long		stamp;

	if (sscanf(body, "%lld %ld", &seq, &stamp) == 2) {
		deliver(c, (long)(seq - 1), now_us(), stamp);
		c->cursor = seq;
	}
}

static void
client_nchan(struct client *c, const char *body)
{
	const char *h;

	client_nchan_msg(c, body);
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
		client_nchan(c, body);
	else if (status != 304 && status != 408)
		g.bad_status++;
	if ((g.resume > 0 && c->answers % g.resume == 0) || c->close)
		client_reconnect(c);
	else
		client_send(c);
}

/* One field line of an event (NUL-terminated at the event's end). */
static void
client_field(struct client *c, char *line, const char *e)
{
	if (strncmp(line, "id: ", 4) == 0) {
		if (c->kind == K_SSE)
			c->cursor = strtoll(line + 4, NULL, 10);
		else
			sscanf(line + 4, "%127[^\n]", c->etag);
	} else if (strncmp(line, "data: ", 6) == 0) {
		if (c->kind == K_SSE)
			client_ticks(c, line, e);
		else
			client_nchan_msg(c, line + 6);
	}
}

/*
 * An event stream: consumes whole events ("\n\n"-terminated) from buf.
 * A block of comments only (": ...") is not an event.
 */
static void
client_events(struct client *c)
{
	char	*p = c->buf + c->body, *e, *line;
	size_t	 used;

	while ((e = memmem(p, (size_t)(c->buf + c->len - p), "\n\n", 2))) {
		*e = '\0';
		for (line = p; line != NULL && line < e; ) {
			client_field(c, line, e);
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
	if (is_stream(c->kind) && atoi(c->buf + 9) != 200)
		g.bad_status++;
	return 1;
}

/* Reads what c's connection has; answers, events, or a reconnect. */
void
client_read(struct client *c)
{
	ssize_t n;

	n = read(c->fd, c->buf + c->len, RBUF - 1 - c->len);
	if (n <= 0) {		/* closed: resume; mid-answer is an error */
		if (!is_stream(c->kind) && c->len > 0)
			g.errors++;
		client_reconnect(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (!c->head_done && !client_head(c))
		return;
	if (is_stream(c->kind)) {
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
