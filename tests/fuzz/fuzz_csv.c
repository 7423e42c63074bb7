/*
 * libFuzzer harness: bytes through the line reader and the CSV source, as
 * tickfeed-ingest reads a file.  Every tick delivered must be valid and
 * its price must survive format and parse.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../unit/ingest_feed.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct feed f;

	feed(&f, SRC_CSV, (const char *)data, size);
	fuzz_check_feed(&f);
	return 0;
}
