/*
 * libFuzzer harness: bytes through the line reader and the NDJSON source,
 * in a --ts-unit picked by its length, the last line taken and held back
 * (fuzz_check.h).
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
	fuzz_feed_all(SRC_NDJSON, data, size);
	return 0;
}
