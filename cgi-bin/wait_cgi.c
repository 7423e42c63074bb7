/* Waiting under plain CGI: see wait_cgi.h. */
#include <poll.h>
#include <stdint.h>

#include "log.h"
#include "timeutil.h"
#include "wait.h"
#include "wait_cgi.h"
#include "watch.h"

static int
wait_any_tick(const struct watch_tick *t, void *arg)
{
	(void)t;
	(void)arg;
	return 1;
}

int
wait_cgi_block(sqlite3 *db, const char *dbpath, const struct symset *syms,
    long long cursor, int64_t deadline)
{
	char		 err[WATCH_ERRSZ];
	struct watch	*wt;
	struct pollfd	 pfd;
	int64_t		 now;
	long		 n;
	int		 rc = -1;

	if ((wt = watch_open(dbpath, err)) == NULL) {
		log_warnx("wait: %s", err);
		return -1;
	}
	pfd.fd = watch_fd(wt);
	pfd.events = POLLIN;
	for (;;) {
		n = watch_read(db, cursor, INT64_MAX, syms, 1, wait_any_tick,
		    NULL);
		if (n != 0) {
			rc = n > 0 ? 1 : -1;
			break;
		}
		if ((now = time_mono_ms()) >= deadline) {
			rc = 0;
			break;
		}
		if (poll(&pfd, pfd.fd != -1, (int)(deadline - now >
		    WAIT_TIMER_MS ? WAIT_TIMER_MS : deadline - now)) > 0)
			watch_drain(wt);
	}
	watch_close(wt);
	return rc;
}
