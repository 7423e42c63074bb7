/*
 * Importing one input (a file or stdin) through the writer: lines from
 * the line reader, records from the format's source, ticks into the
 * writer, refusals to stderr as FILE:LINE: reason.  With --follow the
 * input is read on as it grows; the open batch is committed when the
 * input has nothing more ready (group commit), when it holds --batch
 * ticks, or when it has been open --flush-ms, whichever comes first.
 *
 * A line is complete when it ends with a newline.  When an input ends
 * with a line that does not, the writer is most likely still writing it
 * ("...,107.08,201" about to become "...,107.08,20108\n"): it is held
 * back, said on stderr and counted, never stored nor refused, and the
 * next import of the grown file stores it.  --complete takes it as it is;
 * so does --follow when the file was rotated (its writer moved on).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"
#include "ingest.h"
#include "lines.h"
#include "log.h"
#include "src.h"
#include "timeutil.h"

/* Refused lines printed per input; the count in the summary is complete. */
#define IMPORT_SHOW_MAX	100

volatile sig_atomic_t ingest_stop;

/* How an input is ended when its last line has no newline. */
enum import_end {
	END_NOT,	/* not ended: a partial line waits for more input */
	END_HOLD,	/* ended: the partial last line is held back */
	END_TAKE,	/* ended: the partial last line is complete */
	END__MAX
};

struct import {
	const struct ingest_config	*cfg;
	const char			*path;	/* for the format guess */
	const char			*name;	/* in messages */
	struct writer			*w;
	struct ingest_stats		*st;
	struct tick_sink		 sink;
	struct src			*src;
	struct lines			 lines;
	struct follow			 follow;
	long long			 held;
};

static int
import_tick(void *arg, const struct tick *t, long line)
{
	struct import *im = arg;

	(void)line;
	im->st->read++;
	return writer_add(im->w, t, im->st);
}

static void
import_reject(void *arg, long line, const char *why)
{
	struct import *im = arg;

	im->st->read++;
	if (++im->st->rejected <= IMPORT_SHOW_MAX)
		fprintf(stderr, "%s:%ld: %s\n", im->name, line, why);
	else if (im->st->rejected == IMPORT_SHOW_MAX + 1)
		fprintf(stderr, "%s: more rejected lines not shown\n",
		    im->name);
}

/* Hands one line to the source, created on the first line. */
static enum src_status
import_line(struct import *im, const char *line, size_t len, long lineno)
{
	enum src_format f;

	if (im->src == NULL) {
		f = im->cfg->format >= 0 ? (enum src_format)im->cfg->format :
		    src_format_guess(im->path, line, len);
		log_debug("%s: reading as %s", im->name, src_format_names[f]);
		if ((im->src = src_new(f, (enum tick_ts_unit)im->cfg->ts_unit,
		    &im->sink)) == NULL) {
			log_warnx("%s: out of memory", im->name);
			return SRC_STOP;
		}
	}
	return src_line(im->src, line, len, lineno);
}

/*
 * Holds back the unterminated last line lineno: says so (at the first
 * line of the record it continues, if any) and counts it.
 */
static void
import_hold(struct import *im, long lineno)
{
	long first = im->src != NULL ? src_record_line(im->src) : 0;

	im->held++;
	fprintf(stderr, "%s:%ld: no newline at the end: held back until the "
	    "%s is complete (it is stored by the next import; --complete "
	    "takes it as it is)\n", im->name, first > 0 ? first : lineno,
	    first > 0 ? "record" : "line");
}

/*
 * Everything complete in the buffer, and with end (not END_NOT) the rest
 * of an input that has ended; SRC_OK to read on.
 */
static enum src_status
import_drain(struct import *im, enum import_end end)
{
	enum src_status	 s = SRC_OK;
	enum lines_rc	 rc;
	const char	*line;
	size_t		 len;
	long		 lineno;

	while (s == SRC_OK && (rc = lines_next(&im->lines, &line, &len,
	    &lineno, end != END_NOT)) != LINES_NEED) {
		if (rc == LINES_LONG) {
			import_reject(im, lineno, "line longer than "
			    SRC_LINE_MAX_TEXT " bytes");
			if (im->src != NULL)
				src_break(im->src);
		} else if (rc == LINES_PARTIAL && end == END_HOLD) {
			import_hold(im, lineno);
			return SRC_OK;	/* nothing after it; no src_end */
		} else
			s = import_line(im, line, len, lineno);
	}
	if (s == SRC_OK && end != END_NOT && im->src != NULL)
		s = src_end(im->src);
	return s;
}

/* --follow stopped by a signal: a partial line left is held back. */
static void
import_stop(struct import *im)
{
	if (im->cfg->follow && lines_pending(&im->lines) > 0 &&
	    !im->lines.skipping)
		import_hold(im, im->lines.lineno + 1);
}

/*
 * --follow, group commit: the open batch commits as soon as the input has
 * nothing more ready to read, so a lone tick is committed at once and
 * batches grow only under load (as a database's group commit does), and
 * at the latest once it has been open --flush-ms.  -1 on database error.
 */
static int
import_flush_due(struct import *im)
{
	if (writer_pending(im->w) == 0)
		return 0;
	if (!follow_ready(&im->follow, &im->lines) ||
	    time_mono_ms() - writer_opened_ms(im->w) >= im->cfg->flush_ms)
		return writer_commit(im->w);
	return 0;
}

/* How long --follow may sleep before the open batch is due. */
static int
import_wait_ms(struct import *im)
{
	int64_t left;

	if (writer_pending(im->w) == 0)
		return FOLLOW_IDLE_MS;
	left = writer_opened_ms(im->w) + im->cfg->flush_ms - time_mono_ms();
	return left < 0 ? 0 : left > FOLLOW_IDLE_MS ? FOLLOW_IDLE_MS :
	    (int)left;
}

static enum src_status
import_loop(struct import *im)
{
	enum src_status	 s;
	enum import_end	 end = END_NOT;
	ssize_t		 n;

	for (;;) {
		s = import_drain(im, end);
		if (s != SRC_OK || end != END_NOT)
			return s;
		if (im->cfg->follow && import_flush_due(im) == -1)
			return SRC_STOP;
		if (ingest_stop) {
			import_stop(im);
			return SRC_OK;
		}
		if (im->cfg->follow) {
			switch (follow_wait(&im->follow, &im->lines,
			    import_wait_ms(im))) {
			case 0:
				continue;
			case FOLLOW_ROTATED:	/* the old file has ended */
				if ((s = import_drain(im, END_TAKE)) != SRC_OK)
					return s;
				/* FALLTHROUGH */
			case FOLLOW_RESTART:	/* a new file: new header */
				src_free(im->src);
				im->src = NULL;
				lines_reset(&im->lines);
				break;
			default:
				break;
			}
		}
		n = lines_fill(&im->lines);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("%s: read", im->name);
			return SRC_FATAL;
		}
		if (n == 0 && !(im->cfg->follow && follow_growing(&im->follow)))
			end = im->cfg->complete ? END_TAKE : END_HOLD;
	}
}

static int
import_open(const char *path, const char **name)
{
	int fd;

	if (strcmp(path, "-") == 0) {
		*name = "stdin";
		return STDIN_FILENO;
	}
	*name = path;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		log_warn("%s", path);
	return fd;
}

enum import_rc
import_path(struct writer *w, const char *path, const struct ingest_config *cfg,
    struct ingest_stats *st, long long *held)
{
	struct import	im;
	enum src_status	s = SRC_FATAL;
	int		fd;

	*held = 0;
	memset(&im, 0, sizeof(im));
	im.cfg = cfg;
	im.path = path;
	im.w = w;
	im.st = st;
	im.sink = (struct tick_sink){ import_tick, import_reject, &im };
	if ((fd = import_open(path, &im.name)) == -1)
		return IMPORT_UNUSABLE;
	if (lines_init(&im.lines, fd) == -1) {
		log_warnx("out of memory");
		goto out;
	}
	if (cfg->follow)
		follow_init(&im.follow, fd, path);
	s = import_loop(&im);
	if (s != SRC_STOP && writer_commit(w) == -1)
		s = SRC_STOP;
	*held = im.held;
out:
	if (cfg->follow)
		follow_free(&im.follow);
	src_free(im.src);
	lines_free(&im.lines);
	if (fd != STDIN_FILENO)
		close(fd);
	return s == SRC_STOP ? IMPORT_DB_ERROR : s == SRC_FATAL ?
	    IMPORT_UNUSABLE : IMPORT_OK;
}

void
import_report(const struct ingest_config *cfg, const char *name,
    const struct ingest_stats *st, long long held)
{
	if (cfg->quiet)
		return;
	printf("%s: read %lld, stored %lld, duplicate %lld, rejected %lld",
	    name, st->read, st->stored, st->duplicate, st->rejected);
	if (held > 0)
		printf(", held %lld", held);
	printf("\n");
	fflush(stdout);
}

static void
import_add(struct ingest_stats *sum, const struct ingest_stats *st)
{
	sum->read += st->read;
	sum->stored += st->stored;
	sum->duplicate += st->duplicate;
	sum->rejected += st->rejected;
}

int
cmd_import(const struct ingest_config *cfg, int nfiles, char **files)
{
	struct ingest_stats	 st, sum = { 0, 0, 0, 0 };
	struct writer		*w = NULL;
	sqlite3			*db;
	enum import_rc		 rc;
	long long		 held, held_sum = 0;
	int			 i, ex = INGEST_EXIT_OK;

	if ((db = ingest_db_open(cfg)) == NULL)
		return INGEST_EXIT_DB;
	if ((w = writer_new(db, cfg->batch)) == NULL) {
		ex = INGEST_EXIT_DB;
		goto out;
	}
	for (i = 0; i < nfiles && !ingest_stop; i++) {
		memset(&st, 0, sizeof(st));
		rc = import_path(w, files[i], cfg, &st, &held);
		import_report(cfg, strcmp(files[i], "-") == 0 ? "stdin" :
		    files[i], &st, held);
		import_add(&sum, &st);
		held_sum += held;
		if (rc == IMPORT_DB_ERROR) {
			ex = INGEST_EXIT_DB;
			goto out;
		}
		if (rc == IMPORT_UNUSABLE || st.rejected > 0)
			ex = INGEST_EXIT_REJECTED;
	}
	if (nfiles > 1)
		import_report(cfg, "total", &sum, held_sum);
	if (ingest_stop && !cfg->follow) {
		log_warnx("interrupted: what was read is committed; run again "
		    "to finish");
		ex = INGEST_EXIT_INTERRUPTED;
	}
out:
	writer_free(w);
	sqlite3_close(db);
	return ex;
}
