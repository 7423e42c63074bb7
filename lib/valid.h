/*
 * Strict validators shared by the ingest tool and the web handlers.  Each
 * takes a pointer and a length (no NUL needed) and returns 0 when the input
 * is acceptable, -1 when it is not; none of them allocates.  The web side
 * turns a -1 into its 400 (cgi-bin/params.c), the ingest tool into a
 * FILE:LINE message.
 */
#ifndef TICKFEED_VALID_H
#define TICKFEED_VALID_H

#include <stddef.h>
#include <stdint.h>

/* Symbols: 1..16 of A-Z 0-9 . - _ ^ =, starting with A-Z, 0-9 or ^. */
#define SYMBOL_MAX	16

int	valid_symbol(const char *s, size_t len);

/*
 * Integers: optional '-' (only when min < 0), then 1..19 ASCII digits, no
 * '+', no spaces, no leading zeros beyond a single "0"; the value must lie
 * in [min, max].  Stores it in *out on success.
 */
int	valid_int64(const char *s, size_t len, int64_t min, int64_t max,
	    int64_t *out);

/*
 * Finite decimal numbers in JSON's grammar (RFC 8259 section 6):
 * -?(0|[1-9]D*)(.D+)?([eE][+-]?D+)?, at most 64 bytes.  strtod() alone
 * would also take "nan", "inf", "0x1p3" and leading spaces: these are
 * refused, and so is anything that overflows to infinity.
 */
int	valid_double(const char *s, size_t len, double *out);

/* UTF-8 well-formedness (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
int	valid_utf8(const char *s, size_t len);

#endif
