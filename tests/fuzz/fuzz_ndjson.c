/* libFuzzer harness: bytes through the line reader and the NDJSON source. */
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

	feed(&f, SRC_NDJSON, (const char *)data, size);
	fuzz_check_feed(&f);
	return 0;
}
