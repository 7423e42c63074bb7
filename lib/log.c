#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_ident = "tickfeed";
static enum log_target	 log_to = LOG_TARGET_STDERR;
static int		 log_verbose;

static const char *const log_target_names[LOG_TARGET__MAX] = {
	[LOG_TARGET_STDERR] = "stderr",
	[LOG_TARGET_SYSLOG] = "syslog",
};

void
log_init(const char *ident, enum log_target target, int verbose)
{
	const char *slash;

	if (ident != NULL) {
		slash = strrchr(ident, '/');
		log_ident = slash != NULL ? slash + 1 : ident;
	}
	log_to = target;
	log_verbose = verbose;
	if (log_to == LOG_TARGET_SYSLOG)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_target_parse(const char *s, enum log_target *out)
{
	int i;

	for (i = 0; i < LOG_TARGET__MAX; i++)
		if (strcmp(s, log_target_names[i]) == 0) {
			*out = (enum log_target)i;
			return 0;
		}
	return -1;
}

/* Formats one line and writes it with a single call, errno appended if asked. */
static void log_emit(int, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
log_emit(int pri, int with_errno, const char *fmt, va_list ap)
{
	char	msg[1024];
	int	saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	if (log_to == LOG_TARGET_SYSLOG)
		syslog(pri, "%s", msg);
	else
		fprintf(stderr, "%s: %s\n", log_ident, msg);
	errno = saved;
}

#define LOG_FN(name, pri, with_errno, cond)			\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
								\
	if (!(cond))						\
		return;						\
	va_start(ap, fmt);					\
	log_emit(pri, with_errno, fmt, ap);			\
	va_end(ap);						\
}

LOG_FN(log_info, LOG_INFO, 0, 1)
LOG_FN(log_debug, LOG_DEBUG, 0, log_verbose)
LOG_FN(log_warn, LOG_WARNING, 1, 1)
LOG_FN(log_warnx, LOG_WARNING, 0, 1)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
