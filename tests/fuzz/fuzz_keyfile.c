/*
 * Fuzzes the API key file's parser (keyfile_parse) and the credentials
 * parser (auth_credential).  Input starting with byte 0x01 is a pair of
 * headers, Authorization and Cookie, split at the first 0x00 (none: no
 * Cookie); anything else a key file.  Checks the contracts, not just "no
 * crash":
 *   - a parsed table is sorted by hash with no repeat, its names valid,
 *     its revoked count right, and written back in canonical form it
 *     parses to the same table;
 *   - a refusal says "line N: " with N within the file (or the fixed
 *     size message), in printable ASCII, and names no byte of the file;
 *   - a credential found lies inside the header it came from, and is a
 *     valid key exactly when reported AUTH_CRED_OK.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "keyfile.h"

#define LINE_MAX_CANON	(7 + 64 + 1 + KEY_NAME_MAX + 9)

static size_t
count_lines(const char *s, size_t n)
{
	size_t i, lines = 1;

	for (i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

static void
check_error(const char *err, const char *s, size_t n)
{
	static const char *const reasons[] = {
		"more than three fields (sha256:HASH NAME revoked)",
		"a control or non-ASCII byte outside a comment",
		("not sha256:<64 hex digits> (a raw key? store its hash: "
		    "tickfeed-key hash)"),
		"a sha256 hash has 64 hex digits",
		"a name is at most 64 characters",
		"a name is made of A-Z a-z 0-9 . _ @ + -",
		"after the name only the word 'revoked' may follow",
		"nothing may follow 'revoked'",
		"a NUL byte",
		"the same hash as an earlier line",
	};
	unsigned long	line;
	size_t		i;
	int		off = 0;

	if (strcmp(err, "out of memory") == 0 ||
	    (n > KEYFILE_BYTES_MAX && strncmp(err, "larger than ", 12) == 0))
		return;
	if (sscanf(err, "line %lu: %n", &line, &off) != 1 || off == 0 ||
	    line == 0 || line > count_lines(s, n))
		abort();
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(err + off, reasons[i]) == 0)
			return;
	abort();
}

static void
check_table(const struct keytab *t)
{
	size_t i, revoked = 0, k;

	for (i = 0; i < t->n; i++) {
		if (i > 0 && memcmp(t->e[i - 1].hash, t->e[i].hash,
		    KEY_HASH_LEN) >= 0)
			abort();
		if (strlen(t->e[i].name) > KEY_NAME_MAX ||
		    strcmp(t->e[i].name, "revoked") == 0)
			abort();
		for (k = 0; t->e[i].name[k] != '\0'; k++)
			if (strchr("._@+-", t->e[i].name[k]) == NULL &&
			    !((t->e[i].name[k] >= 'a' && t->e[i].name[k] <= 'z') ||
			    (t->e[i].name[k] >= 'A' && t->e[i].name[k] <= 'Z') ||
			    (t->e[i].name[k] >= '0' && t->e[i].name[k] <= '9')))
				abort();
		revoked += t->e[i].revoked != 0;
	}
	if (revoked != t->nrevoked)
		abort();
}

/* The table written back canonically must parse to the same table. */
static void
check_roundtrip(const struct keytab *t)
{
	struct keytab	*u = NULL;
	char		 err[KEYFILE_ERRSZ], *buf, *p;
	size_t		 i, k;

	if ((buf = malloc(t->n * LINE_MAX_CANON + 1)) == NULL)
		return;
	p = buf;
	for (i = 0; i < t->n; i++) {
		p += sprintf(p, "sha256:");
		for (k = 0; k < KEY_HASH_LEN; k++)
			p += sprintf(p, "%02x", t->e[i].hash[k]);
		p += sprintf(p, "%s%s%s\n", t->e[i].name[0] ? " " : "",
		    t->e[i].name, t->e[i].revoked ? " revoked" : "");
	}
	if (keyfile_parse(buf, (size_t)(p - buf), &u, err) == -1 ||
	    u->n != t->n || u->nrevoked != t->nrevoked ||
	    (t->n && memcmp(u->e, t->e, t->n * sizeof(*t->e)) != 0))
		abort();
	keytab_free(u);
	free(buf);
}

static void
fuzz_file(const char *s, size_t n)
{
	struct keytab	*t = NULL;
	char		 err[KEYFILE_ERRSZ];
	size_t		 i;

	memset(err, 0, sizeof(err));
	if (keyfile_parse(s, n, &t, err) == -1) {
		if (t != NULL)
			abort();
		for (i = 0; err[i] != '\0'; i++)
			if ((unsigned char)err[i] < 0x20 ||
			    (unsigned char)err[i] > 0x7e)
				abort();
		check_error(err, s, n);
		return;
	}
	check_table(t);
	check_roundtrip(t);
	keytab_free(t);
}

static int
inside(const char *p, size_t len, const char *h)
{
	return h != NULL && p >= h && p + len <= h + strlen(h);
}

static void
fuzz_cred(const char *s, size_t n)
{
	char		*a, *c = NULL, *z;
	const char	*key = NULL;
	size_t		 len = 0;
	enum auth_cred	 r;

	if ((a = malloc(n + 1)) == NULL)
		return;
	memcpy(a, s, n);
	a[n] = '\0';
	if ((z = memchr(a, '\0', n)) != NULL && z < a + n)
		c = z + 1;
	r = auth_credential(a, c, &key, &len);
	if (r != AUTH_CRED_NONE && !inside(key, len, a) && !inside(key, len, c))
		abort();
	if (r != AUTH_CRED_NONE && (r == AUTH_CRED_OK) != key_valid(key, len))
		abort();
	free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 1)
		fuzz_cred((const char *)data + 1, size - 1);
	else
		fuzz_file((const char *)data, size);
	return 0;
}
