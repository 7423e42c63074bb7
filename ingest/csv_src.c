/*
 * CSV feeds (RFC 4180 through libcsv, strict mode): a header row names the
 * columns (symbol, ts, price, size, seq; any order, any case; unknown
 * columns ignored), every later record is one tick.  libcsv does the
 * quoting, CRLF and embedded newlines; this file maps columns to fields and
 * keeps the line numbers, which libcsv does not know: lines are fed one at
 * a time, so a record always starts at the line that opened it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "src.h"
#include "valid.h"

#define CSV_OPTS	(CSV_STRICT | CSV_STRICT_FINI)
#define CSV_COLS_MAX	64

struct csv_src {
	struct csv_parser	 p;
	const struct tick_sink	*sink;
	enum tick_ts_unit	 unit;
	enum src_status		 status;
	int			 have_header;
	int			 col[CSV_COLS_MAX];	/* field per column, -1 */
	size_t			 ncols;
	size_t			 nfields;	/* in the current record */
	int			 rec_open;	/* a record has begun */
	long			 rec_line;
	size_t			 rec_bytes;
	int			 rec_bad;
	char			 why[TICK_WHYSZ];
	struct tick		 t;
};

static void
csv_src_bad(struct csv_src *cs, const char *why)
{
	if (cs->rec_bad)
		return;
	cs->rec_bad = 1;
	snprintf(cs->why, sizeof(cs->why), "%s", why);
}

/* A header cell: which field the column carries. */
static void
csv_src_header_field(struct csv_src *cs, const char *s, size_t len)
{
	int	f, prev;
	size_t	i;
	char	msg[TICK_WHYSZ];

	if (cs->ncols == CSV_COLS_MAX) {
		snprintf(msg, sizeof(msg), "header has more than %d columns",
		    CSV_COLS_MAX);
		csv_src_bad(cs, msg);
		return;
	}
	f = tick_field_lookup(s, len);
	for (i = 0; f >= 0 && i < cs->ncols; i++) {
		prev = cs->col[i];
		if (prev == f) {
			snprintf(msg, sizeof(msg), "header names column '%s' "
			    "twice", tick_field_names[f]);
			csv_src_bad(cs, msg);
		}
	}
	cs->col[cs->ncols++] = f;
}

static void
csv_src_field(void *s, size_t len, void *arg)
{
	struct csv_src	*cs = arg;
	size_t		 i = cs->nfields++;

	if (cs->status != SRC_OK || cs->rec_bad)
		return;
	if (!cs->have_header) {
		csv_src_header_field(cs, s, len);
		return;
	}
	if (i >= cs->ncols) {
		csv_src_bad(cs, "more fields than the header has columns");
		return;
	}
	if (cs->col[i] < 0)
		return;
	if (valid_utf8(s, len) == -1) {
		csv_src_bad(cs, "not UTF-8");
		return;
	}
	if (tick_set_field(&cs->t, (enum tick_field)cs->col[i], s, len,
	    cs->why) == -1)
		cs->rec_bad = 1;
}

/* The header is complete: every required column must be named. */
static void
csv_src_header_end(struct csv_src *cs)
{
	static const enum tick_field required[] = {
		TICK_SYMBOL, TICK_TS, TICK_PRICE
	};
	size_t	i, c;
	char	msg[TICK_WHYSZ];

	if (cs->rec_bad) {
		cs->sink->reject(cs->sink->arg, cs->rec_line, cs->why);
		cs->status = SRC_FATAL;
		return;
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		for (c = 0; c < cs->ncols; c++)
			if (cs->col[c] == (int)required[i])
				break;
		if (c == cs->ncols) {
			snprintf(msg, sizeof(msg), "header lacks column '%s' "
			    "(needs symbol, ts, price; size, seq optional)",
			    tick_field_names[required[i]]);
			cs->sink->reject(cs->sink->arg, cs->rec_line, msg);
			cs->status = SRC_FATAL;
			return;
		}
	}
	cs->have_header = 1;
}

static void
csv_src_record_reset(struct csv_src *cs)
{
	cs->nfields = 0;
	cs->rec_open = 0;
	cs->rec_bytes = 0;
	cs->rec_bad = 0;
	tick_reset(&cs->t);
}

static void
csv_src_record(int c, void *arg)
{
	struct csv_src	*cs = arg;

	(void)c;
	if (cs->status != SRC_OK)
		return;
	if (!cs->have_header)
		csv_src_header_end(cs);
	else {
		if (!cs->rec_bad && cs->nfields < cs->ncols)
			csv_src_bad(cs, "fewer fields than the header has "
			    "columns");
		if (!cs->rec_bad && tick_finish(&cs->t, cs->unit,
		    cs->why) == -1)
			cs->rec_bad = 1;
		if (cs->rec_bad)
			cs->sink->reject(cs->sink->arg, cs->rec_line, cs->why);
		else if (cs->sink->tick(cs->sink->arg, &cs->t,
		    cs->rec_line) == -1)
			cs->status = SRC_STOP;
	}
	csv_src_record_reset(cs);
}

static void *
csv_src_open(const struct tick_sink *sink, enum tick_ts_unit unit)
{
	struct csv_src *cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	if (csv_init(&cs->p, CSV_OPTS) != 0) {
		free(cs);
		return NULL;
	}
	cs->sink = sink;
	cs->unit = unit;
	csv_src_record_reset(cs);
	return cs;
}

/* Refuses the record in progress and starts libcsv afresh. */
static void
csv_src_abort_record(struct csv_src *cs, const char *why)
{
	if (cs->rec_open && cs->status == SRC_OK) {
		csv_src_bad(cs, why);
		if (!cs->have_header) {
			csv_src_header_end(cs);
		} else
			cs->sink->reject(cs->sink->arg, cs->rec_line, cs->why);
	}
	csv_free(&cs->p);
	if (csv_init(&cs->p, CSV_OPTS) != 0)
		cs->status = SRC_STOP;
	csv_src_record_reset(cs);
}

static int
csv_src_blank(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '\n') ||
	    (len == 2 && s[0] == '\r' && s[1] == '\n');
}

static enum src_status
csv_src_line(void *arg, const char *s, size_t len, long lineno)
{
	struct csv_src *cs = arg;

	if (cs->status != SRC_OK)
		return cs->status;
	if (!cs->rec_open) {
		if (csv_src_blank(s, len))
			return SRC_OK;
		cs->rec_open = 1;
		cs->rec_line = lineno;
	}
	cs->rec_bytes += len;
	if (cs->rec_bytes > SRC_LINE_MAX + 2) {
		csv_src_abort_record(cs, "record longer than " SRC_LINE_MAX_TEXT " bytes "
		    "(unterminated quote?)");
		return cs->status;
	}
	if (valid_utf8(s, len) == -1)
		csv_src_bad(cs, "not UTF-8");
	if (csv_parse(&cs->p, s, len, csv_src_field, csv_src_record,
	    cs) != len) {
		if (csv_error(&cs->p) == CSV_EPARSE)
			csv_src_abort_record(cs, "malformed quoting");
		else
			cs->status = SRC_STOP;
	}
	return cs->status;
}

static void
csv_src_break(void *arg)
{
	csv_src_abort_record(arg, "a line of the record is too long");
}

static long
csv_src_record_line(const void *arg)
{
	const struct csv_src *cs = arg;

	return cs->rec_open ? cs->rec_line : 0;
}

static enum src_status
csv_src_end(void *arg)
{
	struct csv_src *cs = arg;

	if (cs->status != SRC_OK)
		return cs->status;
	if (csv_fini(&cs->p, csv_src_field, csv_src_record, cs) != 0)
		csv_src_abort_record(cs, "unterminated quoted field at the "
		    "end of input");
	return cs->status;
}

static void
csv_src_close(void *arg)
{
	struct csv_src *cs = arg;

	csv_free(&cs->p);
	free(cs);
}

const struct src_ops csv_src_ops = {
	.open = csv_src_open,
	.line = csv_src_line,
	.brk = csv_src_break,
	.record_line = csv_src_record_line,
	.end = csv_src_end,
	.close = csv_src_close,
};
