/* The Redis connection of publish and replicate: see rconn.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest.h"
#include "log.h"
#include "rconn.h"
#include "valid.h"

/* "HOST:PORT" (HOST may be [v6]) of len bytes into a; 0 or -1. */
static int
rconn_addr_parse(const char *s, size_t len, struct rconn_addr *a)
{
	const char	*colon;
	size_t		 hlen;
	int64_t		 port;

	for (colon = s + len; colon > s && colon[-1] != ':'; colon--)
		;
	if (colon == s || valid_int64(colon, len - (size_t)(colon - s), 1,
	    65535, &port) == -1)
		return -1;
	hlen = (size_t)(colon - s) - 1;
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	} else if (memchr(s, ':', hlen) != NULL)
		return -1;
	if (hlen == 0 || hlen >= sizeof(a->host))
		return -1;
	memcpy(a->host, s, hlen);
	a->host[hlen] = '\0';
	a->port = (int)port;
	return 0;
}

int
rconn_init(struct rconn *r, const char *redis, const char *sentinel,
    const char *master)
{
	const char	*p, *comma;

	memset(r, 0, sizeof(*r));
	if ((redis == NULL) == (sentinel == NULL) ||
	    (sentinel != NULL) != (master != NULL)) {
		snprintf(r->err, sizeof(r->err), "give --redis HOST:PORT, or "
		    "--sentinel HOST:PORT[,HOST:PORT...] with --master NAME");
		return -1;
	}
	if (redis != NULL) {
		if (rconn_addr_parse(redis, strlen(redis), &r->direct) == 0)
			return 0;
		snprintf(r->err, sizeof(r->err), "--redis: want HOST:PORT");
		return -1;
	}
	r->master = master;
	for (p = sentinel; ; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		if (r->nsentinels == RCONN_SENTINELS_MAX ||
		    rconn_addr_parse(p, (size_t)(comma - p),
		    &r->sentinels[r->nsentinels]) == -1) {
			snprintf(r->err, sizeof(r->err), "--sentinel: want 1..%d "
			    "HOST:PORT, comma-separated", RCONN_SENTINELS_MAX);
			return -1;
		}
		r->nsentinels++;
		if (*comma == '\0')
			return 0;
	}
}

static struct timeval
rconn_tv(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	return tv;
}

/* A connection to a with the reply timeout set; NULL with r->err. */
static redisContext *
rconn_open(struct rconn *r, const struct rconn_addr *a)
{
	redisContext *c;

	c = redisConnectWithTimeout(a->host, a->port,
	    rconn_tv(RCONN_CONNECT_MS));
	if (c != NULL && c->err == 0 &&
	    redisSetTimeout(c, rconn_tv(RCONN_TIMEOUT_MS)) == REDIS_OK)
		return c;
	snprintf(r->err, sizeof(r->err), "%s:%d: %s", a->host, a->port,
	    c != NULL ? c->errstr : "out of memory");
	if (c != NULL)
		redisFree(c);
	return NULL;
}

/* One command on c; the reply or NULL (r->err says why). */
static redisReply *
rconn_ask(struct rconn *r, redisContext *c, const struct rconn_addr *a,
    int argc, const char **argv)
{
	redisReply *rep;

	if ((rep = redisCommandArgv(c, argc, argv, NULL)) == NULL)
		snprintf(r->err, sizeof(r->err), "%s:%d: %s", a->host, a->port,
		    c->errstr[0] ? c->errstr : "no reply");
	return rep;
}

/* Whether the server at c says it is a master (ROLE). */
static int
rconn_is_master(struct rconn *r, redisContext *c, const struct rconn_addr *a)
{
	const char	*argv[] = { "ROLE" };
	redisReply	*rep;
	int		 yes;

	if ((rep = rconn_ask(r, c, a, 1, argv)) == NULL)
		return 0;
	yes = rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
	    rep->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(rep->element[0]->str, "master") == 0;
	if (!yes)
		snprintf(r->err, sizeof(r->err), "%s:%d, given by Sentinel as "
		    "master %s, is not a master (yet)", a->host, a->port,
		    r->master);
	freeReplyObject(rep);
	return yes;
}

/* The master's address from Sentinel s; 0 or -1 with r->err. */
static int
rconn_ask_sentinel(struct rconn *r, const struct rconn_addr *s,
    struct rconn_addr *m)
{
	const char	*argv[] = { "SENTINEL", "get-master-addr-by-name",
			    r->master };
	redisContext	*c;
	redisReply	*rep;
	int64_t		 port;
	int		 rc = -1;

	if ((c = rconn_open(r, s)) == NULL)
		return -1;
	if ((rep = rconn_ask(r, c, s, 3, argv)) == NULL)
		goto out;
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 &&
	    rep->element[0]->type == REDIS_REPLY_STRING &&
	    rep->element[1]->type == REDIS_REPLY_STRING &&
	    rep->element[0]->len < sizeof(m->host) &&
	    valid_int64(rep->element[1]->str, rep->element[1]->len, 1, 65535,
	    &port) == 0) {
		memcpy(m->host, rep->element[0]->str, rep->element[0]->len + 1);
		m->port = (int)port;
		rc = 0;
	} else
		snprintf(r->err, sizeof(r->err), "Sentinel %s:%d knows no "
		    "master %s%s%s", s->host, s->port, r->master,
		    rep->type == REDIS_REPLY_ERROR ? ": " : "",
		    rep->type == REDIS_REPLY_ERROR ? rep->str : "");
	freeReplyObject(rep);
out:
	redisFree(c);
	return rc;
}

int
rconn_connect(struct rconn *r)
{
	struct rconn_addr	m;
	size_t			i;

	rconn_close(r);
	if (r->nsentinels == 0) {
		if ((r->c = rconn_open(r, &r->direct)) == NULL)
			return -1;
		r->at = r->direct;
		return 0;
	}
	for (i = 0; i < r->nsentinels; i++) {
		if (rconn_ask_sentinel(r, &r->sentinels[i], &m) == -1)
			continue;
		if ((r->c = rconn_open(r, &m)) == NULL)
			continue;
		if (rconn_is_master(r, r->c, &m)) {
			r->at = m;
			return 0;
		}
		rconn_close(r);
	}
	return -1;
}

void
rconn_close(struct rconn *r)
{
	if (r->c != NULL)
		redisFree(r->c);
	r->c = NULL;
}

int
rconn_retry(struct rconn *r)
{
	struct timespec	ts;
	int		ms = 100, logged = 0;

	rconn_close(r);
	while (!ingest_stop) {
		if (rconn_connect(r) == 0) {
			log_info("redis: connected again to %s:%d", r->at.host,
			    r->at.port);
			return 0;
		}
		if (!logged)
			log_warnx("redis: %s; trying again", r->err);
		logged = 1;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (long)(ms % 1000) * 1000000;
		nanosleep(&ts, NULL);
		ms = ms * 2 > RCONN_RETRY_MAX_MS ? RCONN_RETRY_MAX_MS : ms * 2;
	}
	return -1;
}

redisReply *
rconn_cmd(struct rconn *r, int argc, const char **argv, const size_t *argvlen)
{
	redisReply *rep;

	if (r->c == NULL) {
		snprintf(r->err, sizeof(r->err), "not connected");
		return NULL;
	}
	if ((rep = redisCommandArgv(r->c, argc, argv, argvlen)) != NULL)
		return rep;
	snprintf(r->err, sizeof(r->err), "%s:%d: %s", r->at.host, r->at.port,
	    r->c->errstr[0] ? r->c->errstr : "no reply");
	rconn_close(r);
	return NULL;
}

int
rconn_error_moved(const redisReply *rep)
{
	static const char *const moved[] = { "READONLY", "LOADING",
	    "MASTERDOWN" };
	size_t i;

	if (rep->type != REDIS_REPLY_ERROR)
		return 0;
	for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++)
		if (strncmp(rep->str, moved[i], strlen(moved[i])) == 0)
			return 1;
	return 0;
}
