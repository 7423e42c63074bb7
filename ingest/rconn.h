/*
 * The connection to Redis that publish and replicate share: either one
 * address (--redis HOST:PORT), or the master Sentinel names
 * (--sentinel HOST:PORT[,...] --master NAME): each Sentinel is asked in
 * turn with SENTINEL get-master-addr-by-name, and the address it gives
 * is used only once ROLE says "master" there (the Sentinel
 * documentation's rule for clients).  hiredis does the protocol
 * (blocking, with timeouts: a Redis that stops answering is an error,
 * never a hang).  After a failure a caller closes the connection and
 * calls rconn_retry(), which asks again (so a failover is followed) at
 * growing intervals until it connects or the process is told to stop.
 */
#ifndef INGEST_RCONN_H
#define INGEST_RCONN_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#define RCONN_HOST_MAX		256
#define RCONN_SENTINELS_MAX	8
#define RCONN_ERRSZ		512
#define RCONN_CONNECT_MS	2000	/* TCP connect */
#define RCONN_TIMEOUT_MS	3000	/* any reply (XREAD blocks less) */
#define RCONN_RETRY_MAX_MS	2000	/* the longest pause between tries */

struct rconn_addr {
	char	host[RCONN_HOST_MAX];
	int	port;
};

struct rconn {
	struct rconn_addr	 direct;	/* --redis; port 0 when Sentinel */
	struct rconn_addr	 sentinels[RCONN_SENTINELS_MAX];
	size_t			 nsentinels;
	const char		*master;
	redisContext		*c;		/* NULL while not connected */
	struct rconn_addr	 at;		/* where c is connected */
	char			 err[RCONN_ERRSZ];
};

/*
 * Sets r up from the command line (exactly one of redis, or sentinel
 * with master).  0, or -1 with the reason in r->err (a usage error).
 */
int	rconn_init(struct rconn *r, const char *redis, const char *sentinel,
	    const char *master);
/* Connects (through Sentinel when so set up); 0, or -1 with r->err. */
int	rconn_connect(struct rconn *r);
void	rconn_close(struct rconn *r);
/*
 * Closes, then connects again until it works (0) or ingest_stop is set
 * (-1).  Logs the first failure and the recovery, not every try.
 */
int	rconn_retry(struct rconn *r);

/*
 * Runs one command.  Returns the reply (free it with freeReplyObject;
 * it may be an error reply), or NULL when the connection failed: r is
 * then closed and r->err says why.
 */
redisReply *rconn_cmd(struct rconn *r, int argc, const char **argv,
	    const size_t *argvlen);
/*
 * Whether an error reply means "this is no longer the master" or "not
 * ready" (READONLY, LOADING, MASTERDOWN): reconnect, not fail.
 */
int	rconn_error_moved(const redisReply *);

#endif
