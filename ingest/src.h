/*
 * Feed formats.  A source takes the input one line at a time (with its
 * '\n' when it had one; the line reader strips a UTF-8 BOM and refuses
 * overlong lines before a source sees them) and delivers ticks and
 * rejects to a tick_sink.  The CSV source may join lines: a quoted field
 * can hold a newline, and the record is reported at its first line.
 */
#ifndef INGEST_SRC_H
#define INGEST_SRC_H

#include <stddef.h>

#include "tick.h"

/* Longest line (and longest CSV record) accepted, without its newline. */
#define SRC_LINE_MAX	4096
#define SRC_LINE_MAX_TEXT "4096"	/* the same, for messages */

enum src_format {
	SRC_CSV,
	SRC_NDJSON,
	SRC_FORMAT__MAX
};

enum src_status {
	SRC_OK,			/* go on */
	SRC_STOP,		/* the sink refused a tick: stop reading */
	SRC_FATAL,		/* the input is unusable (bad CSV header) */
	SRC_STATUS__MAX
};

struct src;

extern const char *const src_format_names[SRC_FORMAT__MAX];

/* "csv" or "ndjson" (also "jsonl"); -1 for anything else. */
int	src_format_parse(const char *name);
/* By the file name's extension, else by the first line; never fails. */
enum src_format	src_format_guess(const char *path, const char *line,
		    size_t len);

/*
 * A new source delivering to sink (kept by pointer), integer timestamps
 * in unit; NULL on ENOMEM.
 */
struct src	*src_new(enum src_format, enum tick_ts_unit unit,
		    const struct tick_sink *sink);
enum src_status	 src_line(struct src *, const char *line, size_t len,
		    long lineno);
/* The line reader dropped an overlong line: forget a record in progress. */
void		 src_break(struct src *);
/*
 * The first line of a record begun but not ended (a CSV quoted field open
 * across lines), or 0: where a record held back at the end is reported.
 */
long		 src_record_line(const struct src *);
/* End of input: flushes a last record that had no newline. */
enum src_status	 src_end(struct src *);
void		 src_free(struct src *);

/* Each format's state and entry points, used by src.c only. */
struct src_ops {
	void		*(*open)(const struct tick_sink *, enum tick_ts_unit);
	enum src_status	 (*line)(void *, const char *, size_t, long);
	void		 (*brk)(void *);
	long		 (*record_line)(const void *);
	enum src_status	 (*end)(void *);
	void		 (*close)(void *);
};
extern const struct src_ops csv_src_ops, ndjson_src_ops;

#endif
