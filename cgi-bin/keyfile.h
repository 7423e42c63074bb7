/*
 * The API key file (TICKFEED_KEYS): its parser and the table it makes.
 * The file holds hashes, never keys, so that reading it gives no key:
 *
 *   # comment (also after the fields)
 *   sha256:<64 hex digits>  [NAME]  [revoked]
 *
 * one entry a line, fields separated by spaces or tabs, the hash the
 * SHA-256 of the key's bytes as sent (`printf %s KEY | sha256sum`;
 * scripts/tickfeed-key makes keys and lines).  NAME (1..64 of A-Z a-z
 * 0-9 . _ @ + -, not "revoked") says whose key it is; the word `revoked`
 * keeps the entry so that its key is refused as revoked (403), not as
 * unknown (401).  Blank lines, CRLF ends and upper-case hex are taken;
 * anything else, a hash given twice included, makes the whole file bad.
 *
 * A key (what a client sends) is 16..256 of A-Z a-z 0-9 - . _ ~ + / =
 * (RFC 6750's b64token, which a cookie value can carry as it is).
 * Docs: API.md "Access keys", docs/security.md.
 */
#ifndef TICKFEED_KEYFILE_H
#define TICKFEED_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define KEY_MIN			16	/* bytes of a key */
#define KEY_MAX			256
#define KEY_HASH_LEN		32	/* SHA-256 */
#define KEY_NAME_MAX		64
#define KEYFILE_BYTES_MAX	(4 * 1024 * 1024)
#define KEYFILE_ERRSZ		128

enum key_state {
	KEY_UNKNOWN,		/* no entry has its hash */
	KEY_GOOD,
	KEY_REVOKED,
	KEY_STATE__MAX
};

struct key_entry {
	uint8_t		 hash[KEY_HASH_LEN];
	char		 name[KEY_NAME_MAX + 1];	/* "" when none */
	int		 revoked;
};

/* Entries sorted by hash. */
struct keytab {
	struct key_entry	*e;
	size_t			 n;
	size_t			 nrevoked;
};

/*
 * Parses len bytes of a key file into a new table (*out, freed with
 * keytab_free).  Returns 0, or -1 with err set to "line N: reason" (or
 * "out of memory"); no byte of the file is ever copied into err, so a
 * key pasted by mistake cannot reach a log.
 */
int		 keyfile_parse(const char *buf, size_t len,
		    struct keytab **out, char err[KEYFILE_ERRSZ]);
void		 keytab_free(struct keytab *);

/* Whether len bytes at key have a key's length and characters. */
int		 key_valid(const char *key, size_t len);

/*
 * The state of key in tab (KEY_UNKNOWN for an invalid key); *name, when
 * not NULL, gets the entry's name (owned by tab).
 */
enum key_state	 keytab_lookup(const struct keytab *tab, const char *key,
		    size_t len, const char **name);

#endif
