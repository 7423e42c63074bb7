/*
 * Who may read: the API's optional access check, off unless
 * TICKFEED_KEYS (-k) names a key file (keyfile.h).  With it on, every
 * route without ROUTE_OPEN (routes.h: all but health) needs a key,
 * given as
 *
 *   Authorization: Bearer KEY       (RFC 6750 2.1; wins when present)
 *   Cookie: tickfeed_key=KEY        (for EventSource, which cannot set
 *                                    headers; RFC 6265)
 *
 * never in the query string (web servers log request lines).  No
 * credentials: 401 unauthorized; a key not in the file, or not a key at
 * all: 401 invalid_key; a key marked revoked: 403 key_revoked; the file
 * never read successfully: 503 keys_unavailable.  Each 401 carries
 * WWW-Authenticate: Bearer realm="tickfeed" (reply.c).
 *
 * The file is looked at (stat) at most once a second, by whichever
 * worker comes first; a changed one (inode, size, times) is read and
 * parsed off the lock and swapped in under it.  A file that cannot be
 * read or parsed leaves the table in use as it was, and is logged once
 * per change, by path and line, never with a byte of its content.
 * Nothing here ever logs a key.
 */
#ifndef TICKFEED_AUTH_H
#define TICKFEED_AUTH_H

#define AUTH_COOKIE		"tickfeed_key"
#define AUTH_RELOAD_MS		1000	/* between looks at the file */

#include <stddef.h>

enum auth_cred {
	AUTH_CRED_NONE,		/* no Bearer header, no such cookie */
	AUTH_CRED_BAD,		/* given, but not shaped like a key */
	AUTH_CRED_OK,
	AUTH_CRED__MAX
};

struct req;

/*
 * Reads the key file once, at start, so that its state is logged early.
 * quiet: a plain CGI process, which reads it for every request: only
 * what is wrong is logged.
 */
void	auth_init(int quiet);

/*
 * Checks the key file at path as the app would read it and says so on
 * stderr ("N keys (M revoked)", or why not); returns an exit status,
 * 0 or 1.  For `tickfeed.fcgi -K FILE` (Ansible's validate).
 */
int	auth_check_file(const char *path);

/*
 * Looks at the key file now if it is due (at most once a second): main()
 * calls it every second, so that a process with no request to answer
 * (an idle mod_fcgid process) keeps its keys current too, and never
 * meets a broken file with a table older than the file's last good one.
 */
void	auth_tick(void);

/*
 * Whether req may be answered: 1 yes (keys off, or a good key), 0 when
 * it was refused here, its error answered (401, 403 or 503).
 */
int	auth_check(struct req *);

/*
 * The key a request carries, from its Authorization header and Cookie
 * header (either may be NULL): *key and *len point into one of them when
 * something was given (AUTH_CRED_OK or AUTH_CRED_BAD).  A Bearer header
 * wins over the cookie; another scheme counts as no header.
 */
enum auth_cred	auth_credential(const char *authorization, const char *cookie,
		    const char **key, size_t *len);

#endif
