/*
 * Query strings (RFC 3986 section 3.4, HTML form encoding) checked against
 * closed tables.  qs.c splits and decodes with liburiparser; params.c maps
 * each key to its typed validator.  Unknown key, key the route does not
 * take, repeated key, missing or empty value: 400.  A query string longer
 * than QS_MAX bytes: 414.  Validators return an HTTP status.
 */
#ifndef TICKFEED_PARAMS_H
#define TICKFEED_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "interval.h"
#include "symset.h"
#include "valid.h"

#define QS_MAX		2048	/* bytes of raw query string */
#define LIMIT_MAX	10000
#define PARAM_MSG_SZ	160

enum param {
	P_SYMBOL,
	P_SYMBOLS,
	P_SINCE,
	P_FROM,
	P_TO,
	P_LIMIT,
	P_INTERVAL,
	P_TIMEOUT,
	P_LAST_EVENT_ID,
	P_BEFORE,
	P_ORDER,
	P__MAX
};
#define PBIT(p)		(1u << (p))

struct params {
	unsigned	 present;		/* PBIT()s of the keys given */
	char		 symbol[SYMBOL_MAX + 1];
	struct symset	 symbols;		/* in the order given */
	int64_t		 since;
	int64_t		 from;
	int64_t		 to;
	int64_t		 limit;
	enum interval	 interval;
	int64_t		 timeout;
	int64_t		 last_event_id;
	int64_t		 before;
	int		 desc;			/* order=desc */
};

/* Rejections carry an error code for the JSON object and a message. */
struct param_error {
	const char	*code;
	char		 msg[PARAM_MSG_SZ];
};


/*
 * Parses query (NUL-terminated, may be empty) into *out, allowing only the
 * keys in `allowed` and demanding those in `required`.  Returns HTTP_OK, or
 * the status to answer with *err filled in.
 */
enum http_status params_parse(const char *query, unsigned allowed,
		    unsigned required, struct params *out,
		    struct param_error *err);

/* One key=value through its validator (params[] table); for tests. */
enum http_status params_set(struct params *, const char *key,
		    const char *value, size_t vlen, unsigned allowed,
		    struct param_error *err);

/*
 * A cursor as clients send it (since=, last_event_id=, the Last-Event-ID
 * header): 1..19 digits, 0..INT64_MAX, nothing else.  0 or -1.
 */
int		param_cursor(const char *s, size_t len, long long *out);

/*
 * qs.c: checks the raw percent-encoding, then splits query into decoded
 * pairs and calls fn for each (value NULL when there was no '=').  Stops
 * at the first status fn returns other than HTTP_OK and returns it.
 */
typedef enum http_status (*qs_fn)(void *arg, const char *key,
		    const char *value, size_t vlen, struct param_error *);
enum http_status qs_each(const char *query, qs_fn fn, void *arg,
		    struct param_error *err);

#endif
