/* The access check: see auth.h. */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "keyfile.h"
#include "log.h"
#include "reply.h"
#include "req.h"
#include "timeutil.h"

/* What identifies one version of the file; err: stat failed with it. */
struct file_id {
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtim;
	struct timespec	ctim;
	int		err;
};

static pthread_mutex_t	 auth_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct keytab	*auth_tab;	/* NULL until a file was read */
static int64_t		 auth_next_ms;	/* when to look at the file again */
static int		 auth_busy;	/* a worker is looking */
static int		 auth_quiet;	/* no line for a good load */
/* Only the worker that set auth_busy touches this one. */
static struct file_id	 auth_seen = { .err = -1 };

static void
file_id_of(const struct stat *sb, struct file_id *id)
{
	memset(id, 0, sizeof(*id));
	id->dev = sb->st_dev;
	id->ino = sb->st_ino;
	id->size = sb->st_size;
	id->mtim = sb->st_mtim;
	id->ctim = sb->st_ctim;
}

static int
file_id_same(const struct file_id *a, const struct file_id *b)
{
	if (a->err || b->err)
		return a->err == b->err;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtim.tv_sec == b->mtim.tv_sec &&
	    a->mtim.tv_nsec == b->mtim.tv_nsec &&
	    a->ctim.tv_sec == b->ctim.tv_sec &&
	    a->ctim.tv_nsec == b->ctim.tv_nsec;
}

/* What happens to requests when this read failed, for the log line. */
static const char *
auth_keeping(char *buf, size_t sz)
{
	size_t n = 0;
	int have;

	pthread_mutex_lock(&auth_mtx);
	if ((have = auth_tab != NULL))
		n = auth_tab->n;
	pthread_mutex_unlock(&auth_mtx);
	if (have)
		snprintf(buf, sz, "the %zu keys read before stay in use", n);
	else
		snprintf(buf, sz, "every request that needs a key answers "
		    "503 until it is fixed");
	return buf;
}

/*
 * Reads the whole file into *out (NUL-terminated, caller frees) and its
 * identity into id.  -1 with errno set (EFBIG: too large).
 */
static int
auth_read(const char *path, struct file_id *id, char **out, size_t *len)
{
	struct stat	 sb;
	char		*buf = NULL;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1)
		goto fail;
	file_id_of(&sb, id);
	if (sb.st_size > KEYFILE_BYTES_MAX) {
		errno = EFBIG;
		goto fail;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)sb.st_size &&
	    (n = read(fd, buf + got, (size_t)sb.st_size - got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

/* Swaps tab in as the table in use. */
static void
auth_install(struct keytab *tab)
{
	struct keytab *old;

	pthread_mutex_lock(&auth_mtx);
	old = auth_tab;
	auth_tab = tab;
	pthread_mutex_unlock(&auth_mtx);
	keytab_free(old);
	if (!auth_quiet)
		log_info("keys: %zu keys (%zu of them revoked) from %s",
		    tab->n, tab->nrevoked, cfg.keys_path);
}

/* Looks at the file; reads, parses and installs it when it changed. */
static void
auth_reload(void)
{
	struct file_id	 id;
	struct stat	 sb;
	struct keytab	*tab;
	char		 err[KEYFILE_ERRSZ], keep[96], *buf = NULL;
	size_t		 len = 0;

	memset(&id, 0, sizeof(id));
	if (stat(cfg.keys_path, &sb) == -1)
		id.err = errno;
	else
		file_id_of(&sb, &id);
	if (file_id_same(&id, &auth_seen))
		return;
	/*
	 * Tried once per version: a file it cannot read is not retried
	 * (nor logged again) until it changes, chmod included.
	 */
	auth_seen = id;
	if (id.err == 0 && auth_read(cfg.keys_path, &id, &buf, &len) == -1)
		id.err = errno;
	if (id.err != 0) {
		log_warnx("keys: %s: %s; %s", cfg.keys_path, strerror(id.err),
		    auth_keeping(keep, sizeof(keep)));
		return;
	}
	auth_seen = id;		/* what was read, should it differ */
	if (keyfile_parse(buf, len, &tab, err) == -1)
		log_warnx("keys: %s: %s; %s", cfg.keys_path, err,
		    auth_keeping(keep, sizeof(keep)));
	else
		auth_install(tab);
	free(buf);
}

/* At most once per AUTH_RELOAD_MS, one worker looks at the file. */
static void
auth_refresh(void)
{
	int64_t now = time_mono_ms();

	pthread_mutex_lock(&auth_mtx);
	if (auth_busy || now < auth_next_ms) {
		pthread_mutex_unlock(&auth_mtx);
		return;
	}
	auth_busy = 1;
	auth_next_ms = now + AUTH_RELOAD_MS;
	pthread_mutex_unlock(&auth_mtx);
	auth_reload();
	pthread_mutex_lock(&auth_mtx);
	auth_busy = 0;
	pthread_mutex_unlock(&auth_mtx);
}

void
auth_tick(void)
{
	if (cfg.keys_path != NULL)
		auth_refresh();
}

int
auth_check_file(const char *path)
{
	struct file_id	 id;
	struct keytab	*tab;
	char		 err[KEYFILE_ERRSZ], *buf;
	size_t		 len;
	int		 rc;

	if (auth_read(path, &id, &buf, &len) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if ((rc = keyfile_parse(buf, len, &tab, err)) == -1)
		fprintf(stderr, "%s: %s\n", path, err);
	else
		fprintf(stderr, "%s: %zu keys (%zu of them revoked)\n", path,
		    tab->n, tab->nrevoked);
	keytab_free(tab);
	free(buf);
	return rc == -1;
}

void
auth_init(int quiet)
{
	auth_quiet = quiet;
	if (cfg.keys_path != NULL)
		auth_refresh();
}

/*
 * RFC 6750 2.1: credentials = "Bearer" 1*SP b64token.  The scheme is
 * case-insensitive (RFC 9110 11.1).  Another scheme is not ours: as if
 * the header were absent.
 */
static enum auth_cred
auth_bearer(const char *h, const char **key, size_t *len)
{
	size_t n;

	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\0'))
		return AUTH_CRED_NONE;
	h += 6;
	while (*h == ' ')
		h++;
	n = strlen(h);
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	*key = h;
	*len = n;
	return key_valid(h, n) ? AUTH_CRED_OK : AUTH_CRED_BAD;
}

/*
 * RFC 6265 5.4: "name=value" pairs joined by "; ".  The first pair
 * named AUTH_COOKIE counts (the browser sends the most specific path
 * first); a value in double quotes is taken without them.
 */
static enum auth_cred
auth_cookie(const char *c, const char **key, size_t *len)
{
	const size_t	 nlen = strlen(AUTH_COOKIE);
	const char	*end;
	size_t		 n;

	for (; *c != '\0'; c = *end ? end + 1 : end) {
		while (*c == ' ' || *c == '\t')
			c++;
		if ((end = strchr(c, ';')) == NULL)
			end = c + strlen(c);
		if ((size_t)(end - c) <= nlen || c[nlen] != '=' ||
		    memcmp(c, AUTH_COOKIE, nlen) != 0)
			continue;
		c += nlen + 1;
		n = (size_t)(end - c);
		while (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\t'))
			n--;
		if (n >= 2 && c[0] == '"' && c[n - 1] == '"')
			c++, n -= 2;
		*key = c;
		*len = n;
		return key_valid(c, n) ? AUTH_CRED_OK : AUTH_CRED_BAD;
	}
	return AUTH_CRED_NONE;
}

enum auth_cred
auth_credential(const char *authorization, const char *cookie,
    const char **key, size_t *len)
{
	enum auth_cred c = AUTH_CRED_NONE;

	if (authorization != NULL)
		c = auth_bearer(authorization, key, len);
	if (c == AUTH_CRED_NONE && cookie != NULL)
		c = auth_cookie(cookie, key, len);
	return c;
}

int
auth_check(struct req *req)
{
	const char	*key = NULL;
	size_t		 len = 0;
	enum auth_cred	 cred;
	enum key_state	 ks = KEY_UNKNOWN;
	int		 loaded;

	if (cfg.keys_path == NULL)
		return 1;
	auth_refresh();
	cred = auth_credential(req_getenv(req, "HTTP_AUTHORIZATION"),
	    req_getenv(req, "HTTP_COOKIE"), &key, &len);
	pthread_mutex_lock(&auth_mtx);
	if ((loaded = auth_tab != NULL) && cred == AUTH_CRED_OK)
		ks = keytab_lookup(auth_tab, key, len, NULL);
	pthread_mutex_unlock(&auth_mtx);
	if (!loaded)
		reply_error(req, HTTP_UNAVAILABLE, "keys_unavailable", "the "
		    "access keys cannot be read now; the app's log says why");
	else if (cred == AUTH_CRED_NONE)
		reply_error(req, HTTP_UNAUTHORIZED, "unauthorized", "an API "
		    "key is required: send Authorization: Bearer KEY, or the "
		    AUTH_COOKIE " cookie");
	else if (ks == KEY_REVOKED)
		reply_error(req, HTTP_FORBIDDEN, "key_revoked", "this API key "
		    "was revoked");
	else if (ks != KEY_GOOD)
		reply_error(req, HTTP_UNAUTHORIZED, "invalid_key", "the API key "
		    "is not valid");
	else
		return 1;
	return 0;
}
