/*
 * libFuzzer harness for qs.c: the raw checks and liburiparser's split and
 * decode.  The input is the raw query string.  Besides "no crash, no
 * sanitizer report", an accepted query must decode exactly as a naive
 * reference decoder says (split on '&', skip empty pairs, split at the
 * first '=', '+' is a space, %XX a byte), and a refused one must be a
 * 400 bad_encoding or a 414 for more than QS_MAX bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "params.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define FUZZ_PAIRS_MAX	(QS_MAX + 1)

struct pairs {
	int	 n;
	char	*key[FUZZ_PAIRS_MAX];
	char	*value[FUZZ_PAIRS_MAX];	/* NULL: no '=' */
};

static void
fuzz_check(int cond)
{
	if (!cond)
		abort();
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/* Decodes s[0..n) into a new string (the raw check has passed). */
static char *
ref_decode(const char *s, size_t n)
{
	char	*out = malloc(n + 1);
	size_t	 i, o = 0;

	fuzz_check(out != NULL);
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			out[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i] == '+' ? ' ' : s[i];
	}
	out[o] = '\0';
	return out;
}

static void
ref_split(const char *q, struct pairs *ref)
{
	const char	*p = q, *amp, *eq, *end;

	for (;;) {
		amp = strchr(p, '&');
		end = amp ? amp : p + strlen(p);
		if (end > p) {
			eq = memchr(p, '=', (size_t)(end - p));
			ref->key[ref->n] = ref_decode(p, (size_t)((eq ? eq :
			    end) - p));
			ref->value[ref->n] = eq ? ref_decode(eq + 1,
			    (size_t)(end - eq - 1)) : NULL;
			ref->n++;
		}
		if (amp == NULL)
			return;
		p = amp + 1;
	}
}

static enum http_status
compare(void *arg, const char *key, const char *value, size_t vlen,
    struct param_error *err)
{
	struct pairs	*got = arg;

	(void)err;
	fuzz_check(got->n < FUZZ_PAIRS_MAX);
	fuzz_check(value == NULL || strlen(value) == vlen);
	got->key[got->n] = strdup(key);
	got->value[got->n] = value ? strdup(value) : NULL;
	got->n++;
	return HTTP_OK;
}

static void
pairs_free(struct pairs *p)
{
	int i;

	for (i = 0; i < p->n; i++) {
		free(p->key[i]);
		free(p->value[i]);
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct pairs	got, ref;
	struct param_error	err;
	enum http_status	st;
	char			*q;
	int			 i;

	if (size > QS_MAX + 16 || (q = malloc(size + 1)) == NULL)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	memset(&got, 0, sizeof(got));
	memset(&ref, 0, sizeof(ref));
	st = qs_each(q, compare, &got, &err);
	if (st == HTTP_OK && strlen(q) == size) {
		ref_split(q, &ref);
		fuzz_check(got.n == ref.n);
		for (i = 0; i < ref.n; i++) {
			fuzz_check(strcmp(got.key[i], ref.key[i]) == 0);
			fuzz_check((got.value[i] == NULL) ==
			    (ref.value[i] == NULL));
			fuzz_check(ref.value[i] == NULL ||
			    strcmp(got.value[i], ref.value[i]) == 0);
		}
	} else if (st != HTTP_OK) {
		fuzz_check(got.n == 0);
		fuzz_check(st == HTTP_URI_TOO_LONG ? strlen(q) > QS_MAX :
		    st == HTTP_BAD_REQUEST &&
		    strcmp(err.code, "bad_encoding") == 0);
	}
	pairs_free(&got);
	pairs_free(&ref);
	free(q);
	return 0;
}
