/*
 * libFuzzer harness: time_parse_ts (ms digits or ISO-8601 UTC).  An
 * accepted time lies in range and survives format and parse.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	buf[ISO8601_BUFSZ];
	int64_t	ms, back;
	size_t	n;

	if (time_parse_ts((const char *)data, size, &ms) != 0)
		return 0;
	if (ms < TS_MIN || ms > TS_MAX)
		abort();
	n = time_format_iso8601(ms, buf);
	if (time_parse_iso8601(buf, n, &back) != 0 || back != ms)
		abort();
	return 0;
}
