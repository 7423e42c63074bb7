/*
 * pushload's parts (tools/pushload*.c): one load client, shared by
 * tests/push (correctness under load) and bench/push.sh (latency).
 * pushload.c owns the process (options, the loop); the clients, the
 * publishers and the reports each have a file, and share the state g.
 */
#ifndef PUSHLOAD_H
#define PUSHLOAD_H

#include <pthread.h>
#include <stdint.h>
#include <sqlite3.h>

#define MAXSETS		64
#define MAXGROUPS	4	/* -C */
#define RBUF		(1 << 18)	/* an answer of 1000 ticks is ~85 KB */

/* What a client speaks: tickfeed's two transports and Nchan's two. */
enum kind {
	K_POLL,		/* GET /api/v1/poll, HTTP/1.1 keep-alive */
	K_SSE,		/* GET /api/v1/stream, HTTP/1.0, until close */
	K_NCHAN,	/* GET /sub/bench: Nchan's long-poll subscriber */
	K_NCHAN_SSE,	/* GET /es/bench: Nchan's EventSource subscriber */
	K__MAX
};

/* Who publishes the bench's messages, and how. */
enum pub {
	PUB_NONE,	/* tests: someone else writes, -u says when it is done */
	PUB_DB,		/* -W: pushload commits one tick a message itself */
	PUB_FEED,	/* -W -F: feed lines into the ingest tool's pipe */
	PUB_NCHAN,	/* -U: POST to Nchan's publisher */
	PUB__MAX
};

struct ids {
	long long	*v;
	size_t		 n, cap;
};

struct client {
	enum kind	 kind;
	int		 fd, set, idx;
	long long	 cursor;
	long		 answers, requests;
	int		 resume_now;	/* reconnect after this answer */
	int64_t		 abandon_at;	/* us; 0: not abandoning */
	char		 etag[128], lastmod[128];	/* Nchan (etag: SSE id) */
	char		*buf;
	size_t		 len;
	int		 head_done;
	int		 chunked;
	int		 close;		/* the server said Connection: close */
	long		 clen;		/* body bytes expected, -1 unknown */
	size_t		 body;		/* offset of the body in buf */
	struct ids	 got;
	unsigned char	*seen;		/* bench: per message */
	long		 last;		/* bench: the last message seen, -1 */
	long		 disorder;	/* bench: messages after a later one */
};

/* One -C group: processes measured together. */
struct group {
	const char	*pids;		/* comma-separated */
	long long	 ticks;		/* CPU, clock ticks, end - start */
	long		 rss_kb;	/* peak of the sum of their RSS */
	long		 threads;	/* peak of the sum of their threads */
};

struct pushload {
	int		 port, timeout, resume, abandon, nsets;
	long		 counts[K__MAX];
	char		*sets[MAXSETS];
	long long	 start;
	const char	*db, *until, *pubdb, *puburl, *feed;
	enum pub	 pub;
	double		 rate;
	long		 messages, maxs;
	int		 epfd, feedfd;
	struct client	*c;
	long		 nc;
	long long	 target;	/* -1 unknown */
	int64_t		 t0;		/* us, wall clock: -F sizes count from it */
	int64_t		 stamp_base;	/* us added to a tick's size: its stamp */
	int64_t		*lat;		/* bench latencies, us */
	int64_t		*mlat;		/* -v: [message * nc + client], us */
	struct group	 groups[MAXGROUPS];
	int		 ngroups;
	long long	 cpu_cli;	/* pushload's own clock ticks */
	int		 verbose;
	long		 nlat, caplat;
	long		 reconnects, errors, bad_status;
	volatile int	 pub_done;
	long long	 pub_base;	/* first published id (or seq 1) */
	int		 start_set;	/* -c given */
	struct ids	 want[MAXSETS];	/* per set, once the target is known */
};

extern struct pushload g;

int64_t	 now_us(void);
void	 ids_add(struct ids *, long long);

/* pushload_client.c */
void	 client_connect(struct client *);
void	 client_reconnect(struct client *);
void	 client_read(struct client *);

/* pushload_pub.c */
sqlite3	*pub_open(void);
void	 pub_feed_open(void);
void	 pub_feed_close(void);
void	 pub_start(pthread_t *, sqlite3 *);

/* pushload_report.c */
void	 load_want(void);
long	 check(void);
void	 cpu_account(int);
void	 proc_sample(void);
long	 report_bench(void);

#endif /* PUSHLOAD_H */
