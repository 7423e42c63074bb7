/*
 * One logging family for both programs: stderr in the foreground, syslog
 * when asked (TICKFEED_LOG=syslog).  Thread-safe: each call is one write.
 */
#ifndef TICKFEED_LOG_H
#define TICKFEED_LOG_H

#include <stdarg.h>

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
	LOG_TARGET__MAX
};

/* ident is kept by pointer: pass a string literal or argv[0]. */
void	log_init(const char *ident, enum log_target target, int verbose);
/* "stderr" or "syslog"; returns -1 for anything else. */
int	log_target_parse(const char *s, enum log_target *out);

void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* warn appends ": strerror(errno)"; warnx does not. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
