/*
 * libFuzzer harness for the request headers reply.c reads: Accept-Encoding
 * (accept_gzip, RFC 9110 12.5.3) and If-None-Match (etag_matches, 13.1.2).
 * Besides "no crash, no sanitizer report":
 *   - gzip is taken only when the value names gzip (any case) or "*";
 *   - a value that does not name gzip, followed by ", gzip;q=0", refuses
 *     it (an explicit 0 beats "*"); preceded by "gzip, ", takes it;
 *   - a tag matches only a list that holds it or "*".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reply.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static void
fuzz_check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char etag[] = "\"0942e4e976c79044\"";
	char	*s, *t;
	size_t	 n;

	if ((s = malloc(size + 1)) == NULL ||
	    (t = malloc(size + 16)) == NULL) {
		free(s);
		return 0;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	n = strlen(s);
	if (accept_gzip(s))
		fuzz_check(strcasestr(s, "gzip") != NULL ||
		    strchr(s, '*') != NULL);
	if (strcasestr(s, "gzip") == NULL) {
		memcpy(t, s, n);
		memcpy(t + n, ", gzip;q=0", 11);
		fuzz_check(accept_gzip(t) == 0);
	}
	memcpy(t, "gzip, ", 6);
	memcpy(t + 6, s, n + 1);
	fuzz_check(accept_gzip(t) == 1);
	if (etag_matches(s, etag))
		fuzz_check(strstr(s, etag) != NULL || strchr(s, '*') != NULL);
	free(t);
	free(s);
	return 0;
}
