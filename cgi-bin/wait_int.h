/*
 * Inside the waiting machinery (wait*.c only): the parked requests, the
 * groups they share answers in, and the dispatcher that owns both.  See
 * the essay at the top of wait.c.
 *
 *   wait.c        the dispatcher: its loop, commits, deadlines, heartbeats
 *   wait_group.c  groups, and serving a group from the watcher's ring
 *   wait_send.c   writing to one waiter, and finishing it
 *   wait_park.c   the workers' side: slots, parking, the counters
 */
#ifndef TICKFEED_WAIT_INT_H
#define TICKFEED_WAIT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/queue.h>

#include "wait.h"

#define WAIT_BUCKETS		16384	/* group hash table */
#define WAIT_STATUS_GONE	499	/* nginx's "client closed request" */

struct wait_group;

struct waiter {
	LIST_ENTRY(waiter)	 entry;		/* every waiter */
	LIST_ENTRY(waiter)	 gentry;	/* its group's members */
	struct waiter		*inext;		/* the inbox */
	struct waiter		*dnext;		/* answered, to finish (wait_serve) */
	struct wait_group	*group;		/* NULL once answered */
	struct wait_ticket	*ticket;	/* only while in the inbox */
	enum wait_kind		 kind;
	int			 fd;
	unsigned		 rid;		/* FastCGI request id */
	int			 closing;	/* finish when pend is written */
	int			 keep;		/* web server keeps the connection */
	int			 status;
	int64_t			 deadline;
	struct buf		 pend;		/* bytes the socket did not take */
	size_t			 pend_off;	/* of them, written since */
	void			*owner;
};

struct wait_group {
	struct wait_group	*hnext;		/* hash chain */
	LIST_ENTRY(wait_group)	 entry;		/* every group */
	LIST_HEAD(, waiter)	 members;
	size_t			 nmembers;
	uint32_t		 hash;
	enum wait_kind		 kind;
	long long		 cursor, scanned;
	struct symset		 syms;
};

/* Symbols the dispatcher has seen, for the workers (open addressing). */
struct wait_names {
	pthread_rwlock_t	 lock;
	char			(*name)[SYMBOL_MAX + 1];	/* "" free */
	size_t			 cap, n;	/* cap a power of two */
};

/* Everything the dispatcher owns; one per process. */
struct wait_disp {
	struct wait_config	 cfg;
	const struct wait_ops	*kinds[WAIT_KIND__MAX];
	pthread_t		 thread;
	int			 running;
	int			 epfd, evfd;
	struct watch		*watch;		/* NULL until the store opens */
	pthread_mutex_t		 lock;		/* guards inbox and stop */
	struct waiter		*inbox;
	int			 stop;
	struct waiter		*done;		/* see wait_serve */
	int			 deferring;
	LIST_HEAD(, waiter)	 waiters;
	LIST_HEAD(, wait_group)	 groups;
	struct wait_group	*bucket[WAIT_BUCKETS];
	int64_t			 next_sweep, next_beat, next_timer;
	int64_t			 recheck_us;	/* after an early event */
	int64_t			 recheck_at_us;	/* monotonic; 0: none */
	int			 open_failed;	/* logged that the store is missing */
	struct buf		 out, frame, ticks;
	struct wait_names	 names;
	/* Read by the workers, written by the dispatcher and the workers. */
	atomic_llong		 head;		/* the watcher's head; -1 not ready */
	atomic_llong		 pruned;	/* pruned_through_id, as last read */
	atomic_long		 waiting, parked, adopted, delivered, expired, departed,
				 rejected, dropped;
};

extern struct wait_disp wait_disp;

/* wait_group.c */
struct wait_group *wait_group_get(enum wait_kind, long long cursor,
		    const struct symset *);
void		 wait_join(struct waiter *, struct wait_group *);
void		 wait_leave(struct waiter *);
void		 wait_serve(struct wait_group *);
void		 wait_serve_all(void);

/* wait_send.c */
int		 wait_flush(struct waiter *);
void		 wait_epoll(struct waiter *, int op);
void		 wait_send(struct waiter *, const char *, size_t, int final,
		    int status);
void		 wait_finish(struct waiter *, int status);

/* wait_park.c */
void		 wait_wake(void);
int		 wait_names_add(const char *symbol);
void		 wait_names_free(void);

#endif
