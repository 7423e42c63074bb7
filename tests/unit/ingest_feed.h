/*
 * For the parser tests: runs bytes through the real line reader and a
 * source, as tickfeed-ingest does, and keeps what the sink received:
 * the ticks and "LINE: reason" for each refusal.  feed() takes a last
 * line without a newline as it is (--complete); feed_opts() can hold it
 * back as a plain import does, and sets the integer ts unit.
 */
#ifndef TICKFEED_INGEST_FEED_H
#define TICKFEED_INGEST_FEED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "src.h"

#define FEED_MAX	64

struct feed {
	struct tick	ticks[FEED_MAX];
	long		lines[FEED_MAX];
	int		nticks;
	char		rejects[FEED_MAX][TICK_WHYSZ + 32];
	int		nrejects;
	long		held;	/* line held back at the end, 0 if none */
	enum src_status	status;
};

static int
feed_tick(void *arg, const struct tick *t, long line)
{
	struct feed *f = arg;

	if (f->nticks < FEED_MAX) {
		f->ticks[f->nticks] = *t;
		f->lines[f->nticks] = line;
	}
	f->nticks++;
	return 0;
}

static void
feed_reject(void *arg, long line, const char *why)
{
	struct feed *f = arg;

	if (f->nrejects < FEED_MAX)
		snprintf(f->rejects[f->nrejects], sizeof(f->rejects[0]),
		    "%ld: %s", line, why);
	f->nrejects++;
}

/*
 * Feeds data[0..len) as format, integer ts in unit; with hold, a last
 * line without a newline is held back (f->held) instead of parsed.  The
 * result is in *f.
 */
static void
feed_opts(struct feed *f, enum src_format format, enum tick_ts_unit unit,
    int hold, const char *data, size_t len)
{
	struct tick_sink	 sink = { feed_tick, feed_reject, f };
	struct lines		 l;
	struct src		*s;
	const char		*line;
	size_t			 n;
	long			 no;
	enum lines_rc		 rc;
	FILE			*fp;
	int			 final = 0;

	memset(f, 0, sizeof(*f));
	fp = tmpfile();
	if (fp == NULL || fwrite(data, 1, len, fp) != len || fflush(fp) != 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || lines_init(&l, fileno(fp)) == -1 ||
	    (s = src_new(format, unit, &sink)) == NULL) {
		printf("Bail out! cannot set up the feed\n");
		exit(1);
	}
	for (;;) {
		while (f->status == SRC_OK && (rc = lines_next(&l, &line, &n,
		    &no, final)) != LINES_NEED) {
			if (rc == LINES_LONG) {
				feed_reject(f, no, "line longer than "
				    SRC_LINE_MAX_TEXT " bytes");
				src_break(s);
			} else if (rc == LINES_PARTIAL && hold) {
				f->held = src_record_line(s) > 0 ?
				    src_record_line(s) : no;
				break;
			} else
				f->status = src_line(s, line, n, no);
		}
		if (final || f->status != SRC_OK)
			break;
		if (lines_fill(&l) <= 0)
			final = 1;
	}
	if (f->status == SRC_OK && f->held == 0)
		f->status = src_end(s);
	src_free(s);
	lines_free(&l);
	fclose(fp);
}

/* Feeds data[0..len) as format, ms, a last line taken as it is. */
static inline void
feed(struct feed *f, enum src_format format, const char *data, size_t len)
{
	feed_opts(f, format, TICK_TS_MS, 0, data, len);
}

#define FEED(f, fmt, lit)	feed((f), (fmt), (lit), sizeof(lit) - 1)
#define FEED_HOLD(f, fmt, lit)	\
	feed_opts((f), (fmt), TICK_TS_MS, 1, (lit), sizeof(lit) - 1)

#endif
