/*
 * libFuzzer harness: bytes through the line reader and the CSV source, as
 * tickfeed-ingest reads a file, in a --ts-unit picked by its length,
 * with the last line taken (--complete) and held back.  Every tick
 * delivered must be valid and its price must survive format and parse;
 * holding back must change nothing before the held line.
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
	fuzz_feed_all(SRC_CSV, data, size);
	return 0;
}
