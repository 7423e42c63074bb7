/*
 * The key file's parser and lookups: see keyfile.h.
 *
 * Why a plain SHA-256 and not a slow password hash: keys are made by a
 * machine (scripts/tickfeed-key: 32 random bytes), not chosen by people,
 * so nobody can guess one from its hash however fast the hash; and every
 * request pays for the hash.  nettle (already linked by the ingest tool)
 * computes it.
 *
 * Why a binary search and not a constant-time scan of every entry: the
 * only work that touches the key itself is SHA-256, whose time does not
 * depend on the key's bytes.  The search compares that hash with the
 * stored ones, so its timing could at most tell an attacker something
 * about the stored hashes, which the design already treats as public
 * (the file holds hashes precisely so that reading it yields no key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/sha2.h>

#include "keyfile.h"

#define HASH_PREFIX	"sha256:"
#define HASH_HEX	(2 * KEY_HASH_LEN)
#define REVOKED_WORD	"revoked"

/* One line's fields, as pointers into the file; one more is an error. */
#define FIELDS_MAX	3
struct fields {
	const char	*s[FIELDS_MAX + 1];
	size_t		 n[FIELDS_MAX + 1];
	size_t		 count;
};

struct parse {
	struct keytab	*tab;
	size_t		 cap;
	unsigned	*lines;		/* the line of each entry */
	size_t		 lineno;
	char		*err;
};

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
static int
is_token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '+' || c == '/';
}

int
key_valid(const char *key, size_t len)
{
	size_t i = 0;

	if (len < KEY_MIN || len > KEY_MAX)
		return 0;
	while (i < len && is_token_char((unsigned char)key[i]))
		i++;
	if (i == 0)
		return 0;
	while (i < len && key[i] == '=')
		i++;
	return i == len;
}

static int
name_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	    c == '+' || c == '-';
}

static int
hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_fail(struct parse *p, const char *why)
{
	snprintf(p->err, KEYFILE_ERRSZ, "line %zu: %s", p->lineno, why);
	return -1;
}

/*
 * Splits one line (without its end) into at most FIELDS_MAX + 1 fields
 * (the rest is not looked at); a field that starts with '#' ends it.
 * Field bytes must be printable ASCII.
 */
static int
parse_fields(struct parse *p, const char *s, size_t n, struct fields *f)
{
	size_t i = 0, start;

	f->count = 0;
	for (;;) {
		while (i < n && is_space((unsigned char)s[i]))
			i++;
		if (i == n || s[i] == '#' || f->count > FIELDS_MAX)
			return 0;
		start = i;
		while (i < n && !is_space((unsigned char)s[i])) {
			if ((unsigned char)s[i] < 0x21 ||
			    (unsigned char)s[i] > 0x7e)
				return parse_fail(p, "a control or non-ASCII "
				    "byte outside a comment");
			i++;
		}
		f->s[f->count] = s + start;
		f->n[f->count++] = i - start;
	}
}

static int
parse_hash(struct parse *p, const char *s, size_t n, uint8_t *out)
{
	size_t	plen = strlen(HASH_PREFIX), i;
	int	hi, lo;

	if (n < plen || memcmp(s, HASH_PREFIX, plen) != 0)
		return parse_fail(p, "not sha256:<64 hex digits> (a raw key? "
		    "store its hash: tickfeed-key hash)");
	s += plen;
	n -= plen;
	if (n != HASH_HEX)
		return parse_fail(p, "a sha256 hash has 64 hex digits");
	for (i = 0; i < KEY_HASH_LEN; i++) {
		if ((hi = hex_val((unsigned char)s[2 * i])) < 0 ||
		    (lo = hex_val((unsigned char)s[2 * i + 1])) < 0)
			return parse_fail(p, "a sha256 hash has 64 hex digits");
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int
is_word(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* The NAME and `revoked` fields after the hash. */
static int
parse_rest(struct parse *p, const struct fields *f, struct key_entry *e)
{
	size_t i = 1, k;

	if (i < f->count && !is_word(f->s[i], f->n[i], REVOKED_WORD)) {
		if (f->n[i] > KEY_NAME_MAX)
			return parse_fail(p, "a name is at most 64 characters");
		for (k = 0; k < f->n[i]; k++)
			if (!name_char((unsigned char)f->s[i][k]))
				return parse_fail(p, "a name is made of A-Z a-z "
				    "0-9 . _ @ + -");
		memcpy(e->name, f->s[i], f->n[i]);
		e->name[f->n[i]] = '\0';
		i++;
	}
	if (i < f->count) {
		if (!is_word(f->s[i], f->n[i], REVOKED_WORD))
			return parse_fail(p, "after the name only the word "
			    "'revoked' may follow");
		e->revoked = 1;
		i++;
	}
	if (i < f->count)
		return parse_fail(p, "nothing may follow 'revoked'");
	return 0;
}

/* Room for one more entry; -1 on ENOMEM. */
static int
parse_grow(struct parse *p)
{
	struct key_entry	*e;
	unsigned		*l;
	size_t			 cap;

	if (p->tab->n < p->cap)
		return 0;
	cap = p->cap ? p->cap * 2 : 16;
	if ((e = reallocarray(p->tab->e, cap, sizeof(*e))) == NULL)
		return -1;
	p->tab->e = e;
	if ((l = reallocarray(p->lines, cap, sizeof(*l))) == NULL)
		return -1;
	p->lines = l;
	p->cap = cap;
	return 0;
}

static int
parse_line(struct parse *p, const char *s, size_t n)
{
	struct fields		 f;
	struct key_entry	*e;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (memchr(s, '\0', n) != NULL)
		return parse_fail(p, "a NUL byte");
	if (parse_fields(p, s, n, &f) == -1)
		return -1;
	if (f.count == 0)
		return 0;
	if (parse_grow(p) == -1) {
		snprintf(p->err, KEYFILE_ERRSZ, "out of memory");
		return -1;
	}
	e = &p->tab->e[p->tab->n];
	memset(e, 0, sizeof(*e));
	if (parse_hash(p, f.s[0], f.n[0], e->hash) == -1)
		return -1;
	if (f.count > FIELDS_MAX)
		return parse_fail(p, "more than three fields (sha256:HASH NAME "
		    "revoked)");
	if (parse_rest(p, &f, e) == -1)
		return -1;
	p->lines[p->tab->n++] = (unsigned)p->lineno;
	p->tab->nrevoked += e->revoked;
	return 0;
}

/* An entry with its line, sorted together. */
struct sortable {
	struct key_entry	e;
	unsigned		line;
};

static int
sortable_cmp(const void *a, const void *b)
{
	return memcmp(((const struct sortable *)a)->e.hash,
	    ((const struct sortable *)b)->e.hash, KEY_HASH_LEN);
}

/* Sorts the entries by hash and refuses a hash given twice. */
static int
parse_finish(struct parse *p)
{
	struct sortable	*v;
	size_t		 i, n = p->tab->n;

	if (n == 0)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		snprintf(p->err, KEYFILE_ERRSZ, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		v[i].e = p->tab->e[i];
		v[i].line = p->lines[i];
	}
	qsort(v, n, sizeof(*v), sortable_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && sortable_cmp(&v[i - 1], &v[i]) == 0) {
			p->lineno = v[i].line > v[i - 1].line ? v[i].line :
			    v[i - 1].line;
			free(v);
			return parse_fail(p, "the same hash as an earlier line");
		}
		p->tab->e[i] = v[i].e;
	}
	free(v);
	return 0;
}

int
keyfile_parse(const char *buf, size_t len, struct keytab **out,
    char err[KEYFILE_ERRSZ])
{
	struct parse	 p = { .err = err };
	const char	*s = buf, *end = buf + len, *nl;
	int		 rc = -1;

	*out = NULL;
	if (len > KEYFILE_BYTES_MAX) {
		snprintf(err, KEYFILE_ERRSZ, "larger than %d bytes",
		    KEYFILE_BYTES_MAX);
		return -1;
	}
	if ((p.tab = calloc(1, sizeof(*p.tab))) == NULL) {
		snprintf(err, KEYFILE_ERRSZ, "out of memory");
		return -1;
	}
	for (p.lineno = 1; s < end; p.lineno++) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if (parse_line(&p, s, (size_t)(nl - s)) == -1)
			goto out;
		s = nl + 1;
	}
	if (parse_finish(&p) == -1)
		goto out;
	*out = p.tab;
	p.tab = NULL;
	rc = 0;
out:
	free(p.lines);
	keytab_free(p.tab);
	return rc;
}

void
keytab_free(struct keytab *tab)
{
	if (tab == NULL)
		return;
	free(tab->e);
	free(tab);
}

static int
entry_cmp(const void *hash, const void *entry)
{
	return memcmp(hash, ((const struct key_entry *)entry)->hash,
	    KEY_HASH_LEN);
}

enum key_state
keytab_lookup(const struct keytab *tab, const char *key, size_t len,
    const char **name)
{
	struct sha256_ctx		 ctx;
	uint8_t				 h[KEY_HASH_LEN];
	const struct key_entry		*e;

	if (tab == NULL || tab->n == 0 || !key_valid(key, len))
		return KEY_UNKNOWN;
	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)key);
	sha256_digest(&ctx, sizeof(h), h);
	e = bsearch(h, tab->e, tab->n, sizeof(*e), entry_cmp);
	if (e == NULL)
		return KEY_UNKNOWN;
	if (name != NULL)
		*name = e->name;
	return e->revoked ? KEY_REVOKED : KEY_GOOD;
}
