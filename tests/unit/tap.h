/*
 * A tiny TAP producer for the C unit tests: each check prints
 * "ok N - what" or "not ok N - what"; tap_done() prints the plan and
 * returns the exit status.  tests/run counts the lines.
 */
#ifndef TICKFEED_TAP_H
#define TICKFEED_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3)))
static int
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/* String equality with both values shown on failure. */
#define tap_is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!tap_ok(g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0,	\
	    __VA_ARGS__))						\
		printf("#   got: '%s'\n#  want: '%s'\n",			\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

#define tap_is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!tap_ok(g_ == w_, __VA_ARGS__))				\
		printf("#   got: %lld\n#  want: %lld\n", g_, w_);	\
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
