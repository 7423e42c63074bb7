/*
 * The API key file (cgi-bin/keyfile.c) and the credentials a request
 * carries (auth_credential, cgi-bin/auth.c): every field at its
 * boundaries, errors by line without a byte of the file, SHA-256 against
 * the FIPS 180-2 test vector, lookups of good, revoked and unknown keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "keyfile.h"
#include "tap.h"

/* FIPS 180-2 appendix B.2: SHA-256 of this 56-byte message. */
#define VEC_KEY	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define VEC_HEX	"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define HEX_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char err[KEYFILE_ERRSZ];

/* Parses s; returns the number of entries, or -1 (err set). */
static int
parse(const char *s, struct keytab **tab)
{
	err[0] = '\0';
	if (keyfile_parse(s, strlen(s), tab, err) == -1)
		return -1;
	return (int)(*tab)->n;
}

/* Whether s parses; frees the table. */
static int
parses(const char *s)
{
	struct keytab	*tab = NULL;
	int		 n = parse(s, &tab);

	keytab_free(tab);
	return n;
}

static void
test_format(void)
{
	struct keytab	*tab = NULL;
	char		 line[512];

	tap_is_int(parses(""), 0, "an empty file: no keys");
	tap_is_int(parses("\n\n# only comments\n   \t\n"), 0,
	    "blank and comment lines: no keys");
	tap_is_int(parses("sha256:" HEX_A), 1, "a hash alone, no newline");
	tap_is_int(parses("sha256:" HEX_A "\r\n"), 1, "a CRLF line end");
	tap_is_int(parses("  sha256:" HEX_A "\talice\t revoked  # left\n"), 1,
	    "leading, inner and trailing blanks and a comment after");
	tap_is_int(parses("sha256:" HEX_A "#x\n"), -1,
	    "a comment glued to the hash is part of the field");
	tap_is_int(parses("sha256:" VEC_HEX "\nsha256:" HEX_A " a\n"), 2,
	    "two entries");
	tap_is_int(parses("SHA256:" HEX_A), -1, "the prefix is lower case");
	tap_is_int(parses("sha1:" HEX_A), -1, "another algorithm is refused");
	tap_is_int(parses(HEX_A), -1, "a hash without its prefix");
	tap_is_str(err, "line 1: not sha256:<64 hex digits> (a raw key? store "
	    "its hash: tickfeed-key hash)", "the message says what to do");
	tap_is_int(parses("sha256:" HEX_A "a"), -1, "65 hex digits");
	tap_is_int(parses("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa"), -1, "63 hex digits");
	tap_is_int(parses("sha256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAA"), 1, "upper-case hex");
	tap_is_int(parses("sha256:gaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaa"), -1, "a non-hex digit");
	tap_is_str(err, "line 1: a sha256 hash has 64 hex digits",
	    "its message");
	tap_is_int(parses("# a\n\nsha256:" HEX_A " \xc3\xa9va\n"), -1,
	    "a non-ASCII name");
	tap_is_str(err, "line 3: a control or non-ASCII byte outside a comment",
	    "errors name their line, counted from 1");
	tap_is_int(parses("sha256:" HEX_A " # \xc3\xa9 \x01 anything\n"), 1,
	    "a comment may hold any byte but NUL");
	tap_is_int(keyfile_parse("sha256:" HEX_A " a\0b", 75, &tab, err), -1,
	    "a NUL byte is refused");
	tap_is_int(parses("sha256:" HEX_A " a\rb\n"), -1,
	    "a CR inside a line is refused");
	tap_is_int(parses("sha256:" HEX_A " alice bob\n"), -1,
	    "two names");
	tap_is_int(parses("sha256:" HEX_A " alice revoked x\n"), -1,
	    "a fourth field");
	tap_is_int(parses("sha256:" HEX_A " revoked revoked\n"), -1,
	    "revoked twice");
	snprintf(line, sizeof(line), "sha256:%s %.*s\n", HEX_A, 64,
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
	tap_is_int(parses(line), 1, "a name of 64 characters");
	snprintf(line, sizeof(line), "sha256:%s %.*s\n", HEX_A, 65,
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
	tap_is_int(parses(line), -1, "a name of 65 characters");
	tap_is_int(parses("sha256:" HEX_A " a.b_c@d+e-F9\n"), 1,
	    "every character a name may hold");
	tap_is_int(parses("sha256:" HEX_A " a/b\n"), -1, "'/' in a name");
	tap_is_int(parses("sha256:" HEX_A " a\nsha256:" HEX_B " b\n\nsha256:"
	    HEX_A " c revoked\n"), -1, "a hash given twice");
	tap_is_str(err, "line 4: the same hash as an earlier line",
	    "names the later line");
}

static void
test_errors_hold_no_bytes(void)
{
	const char	*file = "sha256:" HEX_A " ok\nAbCdEfGhIjKlMnOpQrStUvWxYz0123456789\n";
	struct keytab	*tab = NULL;

	tap_is_int(parse(file, &tab), -1, "a raw key pasted in is refused");
	tap_ok(strstr(err, "AbCd") == NULL && strstr(err, "0123") == NULL,
	    "and the message holds no byte of it (%s)", err);
	tap_ok(tab == NULL, "no table on failure");
}

static void
test_size(void)
{
	struct keytab	*tab = NULL;
	char		*big;

	if ((big = malloc(KEYFILE_BYTES_MAX + 1)) == NULL)
		return;
	memset(big, '#', KEYFILE_BYTES_MAX + 1);
	tap_is_int(keyfile_parse(big, KEYFILE_BYTES_MAX, &tab, err), 0,
	    "a file of exactly %d bytes is read", KEYFILE_BYTES_MAX);
	keytab_free(tab);
	tap_is_int(keyfile_parse(big, KEYFILE_BYTES_MAX + 1, &tab, err), -1,
	    "one byte more is refused");
	free(big);
}

static void
test_key_valid(void)
{
	char	k[KEY_MAX + 2];

	memset(k, 'a', sizeof(k));
	tap_ok(!key_valid(k, KEY_MIN - 1), "15 characters: too short");
	tap_ok(key_valid(k, KEY_MIN), "16 characters");
	tap_ok(key_valid(k, KEY_MAX), "256 characters");
	tap_ok(!key_valid(k, KEY_MAX + 1), "257 characters: too long");
	tap_ok(key_valid("AZaz09-._~+/aaaa==", 18), "every b64token character, "
	    "'=' padding at the end");
	tap_ok(!key_valid("aaaaaaaa=aaaaaaaa", 17), "'=' only at the end");
	tap_ok(!key_valid("================", 16), "padding alone");
	tap_ok(!key_valid("aaaaaaaa aaaaaaaa", 17), "a space");
	tap_ok(!key_valid("aaaaaaaa;aaaaaaaa", 17), "a ';'");
	tap_ok(!key_valid("aaaaaaaa\"aaaaaaa", 16), "a '\"'");
}

static void
test_lookup(void)
{
	struct keytab	*tab = NULL;
	const char	*name = NULL;
	const char	*file = "sha256:" VEC_HEX " vec\nsha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000\n"
	    "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffff z revoked\n";
	char		 revoked[] = VEC_KEY;

	tap_is_int(parse(file, &tab), 3, "three entries");
	tap_is_int((int)tab->nrevoked, 1, "one revoked");
	tap_is_int(keytab_lookup(tab, VEC_KEY, strlen(VEC_KEY), &name),
	    KEY_GOOD, "the FIPS 180-2 message is the key of its digest");
	tap_is_str(name, "vec", "with its name");
	tap_is_int(keytab_lookup(tab, VEC_KEY, strlen(VEC_KEY) - 1, NULL),
	    KEY_UNKNOWN, "one byte short: unknown");
	revoked[0] = 'b';
	tap_is_int(keytab_lookup(tab, revoked, strlen(revoked), NULL),
	    KEY_UNKNOWN, "one byte changed: unknown");
	tap_is_int(keytab_lookup(tab, "short", 5, NULL), KEY_UNKNOWN,
	    "not a key: unknown");
	keytab_free(tab);
	tap_is_int(parse("sha256:" VEC_HEX " vec revoked\n", &tab), 1,
	    "the same key, revoked");
	tap_is_int(keytab_lookup(tab, VEC_KEY, strlen(VEC_KEY), NULL),
	    KEY_REVOKED, "is refused as revoked");
	keytab_free(tab);
	tap_is_int(keytab_lookup(NULL, VEC_KEY, strlen(VEC_KEY), NULL),
	    KEY_UNKNOWN, "no table: unknown");
}

static int
cred(const char *authz, const char *cookie, const char *want)
{
	const char	*key = NULL;
	size_t		 len = 0;
	enum auth_cred	 c = auth_credential(authz, cookie, &key, &len);

	if (want != NULL && (c == AUTH_CRED_NONE || len != strlen(want) ||
	    memcmp(key, want, len) != 0))
		return -1;
	return (int)c;
}

#define K16	"0123456789abcdef"
#define K17	"0123456789abcdefg"

static void
test_credentials(void)
{
	tap_is_int(cred(NULL, NULL, NULL), AUTH_CRED_NONE, "nothing given");
	tap_is_int(cred("Bearer " K16, NULL, K16), AUTH_CRED_OK, "Bearer");
	tap_is_int(cred("bEARER   " K16 "  ", NULL, K16), AUTH_CRED_OK,
	    "the scheme in any case, spaces around the key");
	tap_is_int(cred("Bearer", NULL, NULL), AUTH_CRED_BAD,
	    "Bearer without a key: malformed");
	tap_is_int(cred("Bearer " K16 " x", NULL, NULL), AUTH_CRED_BAD,
	    "a space inside: malformed");
	tap_is_int(cred("Bearerx " K16, NULL, NULL), AUTH_CRED_NONE,
	    "another scheme (Bearerx)");
	tap_is_int(cred("Basic dXNlcjpwYXNz", NULL, NULL), AUTH_CRED_NONE,
	    "Basic is not ours");
	tap_is_int(cred("Basic dXNlcjpwYXNz", "tickfeed_key=" K16, K16),
	    AUTH_CRED_OK, "then the cookie counts");
	tap_is_int(cred("Bearer " K17, "tickfeed_key=" K16, K17),
	    AUTH_CRED_OK, "the header wins over the cookie");
	tap_is_int(cred("Bearer bad", "tickfeed_key=" K16, NULL),
	    AUTH_CRED_BAD, "also when it is malformed");
	tap_is_int(cred(NULL, "tickfeed_key=" K16, K16), AUTH_CRED_OK,
	    "the cookie alone");
	tap_is_int(cred(NULL, "a=1; tickfeed_key=" K16 "; b=2", K16),
	    AUTH_CRED_OK, "among others");
	tap_is_int(cred(NULL, "tickfeed_key=\"" K16 "\"", K16), AUTH_CRED_OK,
	    "in double quotes");
	tap_is_int(cred(NULL, "xtickfeed_key=" K16 "; tickfeed_keyx=" K16,
	    NULL), AUTH_CRED_NONE, "names that only contain ours");
	tap_is_int(cred(NULL, "tickfeed_key=" K17 "; tickfeed_key=" K16, K17),
	    AUTH_CRED_OK, "the first of two");
	tap_is_int(cred(NULL, "tickfeed_key=", NULL), AUTH_CRED_BAD,
	    "an empty value: malformed");
	tap_is_int(cred(NULL, "tickfeed_key=short", NULL), AUTH_CRED_BAD,
	    "a short value: malformed");
	tap_is_int(cred(NULL, "tickfeed_key", NULL), AUTH_CRED_NONE,
	    "a name without '='");
	tap_is_int(cred(NULL, ";;; ;", NULL), AUTH_CRED_NONE, "only separators");
}

int
main(void)
{
	test_format();
	test_errors_hold_no_bytes();
	test_size();
	test_key_valid();
	test_lookup();
	test_credentials();
	return tap_done();
}
