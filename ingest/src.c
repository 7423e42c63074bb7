#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src.h"

const char *const src_format_names[SRC_FORMAT__MAX] = {
	[SRC_CSV] = "csv",
	[SRC_NDJSON] = "ndjson",
};

static const struct src_ops *const src_ops[SRC_FORMAT__MAX] = {
	[SRC_CSV] = &csv_src_ops,
	[SRC_NDJSON] = &ndjson_src_ops,
};

/* File name endings that name a format. */
static const struct {
	const char	*ext;
	enum src_format	 format;
} src_exts[] = {
	{ ".csv", SRC_CSV },
	{ ".ndjson", SRC_NDJSON },
	{ ".jsonl", SRC_NDJSON },
	{ ".json", SRC_NDJSON },
};

struct src {
	const struct src_ops	*ops;
	void			*state;
};

int
src_format_parse(const char *name)
{
	int f;

	if (strcmp(name, "jsonl") == 0)
		return SRC_NDJSON;
	for (f = 0; f < SRC_FORMAT__MAX; f++)
		if (strcmp(name, src_format_names[f]) == 0)
			return f;
	return -1;
}

enum src_format
src_format_guess(const char *path, const char *line, size_t len)
{
	size_t	i, plen, elen;

	plen = path != NULL ? strlen(path) : 0;
	for (i = 0; i < sizeof(src_exts) / sizeof(src_exts[0]); i++) {
		elen = strlen(src_exts[i].ext);
		if (plen > elen &&
		    strcasecmp(path + plen - elen, src_exts[i].ext) == 0)
			return src_exts[i].format;
	}
	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return line[i] == '{' ? SRC_NDJSON : SRC_CSV;
	return SRC_CSV;
}

struct src *
src_new(enum src_format format, enum tick_ts_unit unit,
    const struct tick_sink *sink)
{
	struct src *s;

	if ((unsigned)format >= SRC_FORMAT__MAX ||
	    (unsigned)unit >= TICK_TS_UNIT__MAX ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->ops = src_ops[format];
	if ((s->state = s->ops->open(sink, unit)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

enum src_status
src_line(struct src *s, const char *line, size_t len, long lineno)
{
	return s->ops->line(s->state, line, len, lineno);
}

void
src_break(struct src *s)
{
	s->ops->brk(s->state);
}

long
src_record_line(const struct src *s)
{
	return s->ops->record_line(s->state);
}

enum src_status
src_end(struct src *s)
{
	return s->ops->end(s->state);
}

void
src_free(struct src *s)
{
	if (s == NULL)
		return;
	s->ops->close(s->state);
	free(s);
}
