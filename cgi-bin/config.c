#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "timeutil.h"
#include "valid.h"

struct config cfg;

int64_t
app_now_ms(void)
{
	return cfg.now_ms != 0 ? cfg.now_ms : time_now_ms();
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: tickfeed.fcgi [-v] [-d db] [-l unix:/path | "
	    "host:port] [-t threads]\n\t[-o cors-origin] [-L stderr|syslog] "
	    "[-m socket-mode] [-w max-waiters]\n\t[-b heartbeat-ms] "
	    "[-g max-lag-ms] [-k key-file]\n       tickfeed.fcgi -K key-file\n");
	exit(2);
}

static int64_t
config_int(const char *what, const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (valid_int64(s, strlen(s), min, max, &v) == -1)
		fatalx("%s must be an integer %lld..%lld", what,
		    (long long)min, (long long)max);
	return v;
}

/* A socket mode: octal digits, at most 0777. */
static int
config_mode(const char *s)
{
	char	*end;
	long	 v = strtol(s, &end, 8);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 0777)
		fatalx("socket mode must be octal 0..0777");
	return (int)v;
}

/* A header value must not carry CR, LF or other controls. */
static void
config_origin(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= CORS_ORIGIN_MAX)
		fatalx("cors origin must be 1..%d bytes", CORS_ORIGIN_MAX - 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			fatalx("cors origin: bad character at %zu", i);
	memcpy(cfg.cors_origin, s, n + 1);
}

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

/* The environment's values, before the flags override them. */
static void
config_env(const char **threads, const char **waiters, const char **beat,
    const char **origin, const char **log, const char **lag)
{
	cfg.db_path = env_or("TICKFEED_DB", DB_DEFAULT_PATH);
	cfg.listen = env_or("TICKFEED_LISTEN", NULL);
	cfg.keys_path = env_or("TICKFEED_KEYS", NULL);
	cfg.socket_mode = 0666;
	*threads = env_or("TICKFEED_THREADS", NULL);
	*waiters = env_or("TICKFEED_MAX_WAITERS", NULL);
	*beat = env_or("TICKFEED_HEARTBEAT_MS", NULL);
	*origin = env_or("TICKFEED_CORS_ORIGIN", "*");
	*log = env_or("TICKFEED_LOG", "stderr");
	*lag = env_or("TICKFEED_MAX_LAG_MS", NULL);
}

void
config_load(int argc, char *argv[])
{
	const char	*threads, *waiters, *beat, *origin, *log, *lag, *s;
	int		 ch;

	config_env(&threads, &waiters, &beat, &origin, &log, &lag);
	/*
	 * Under CGI, argv is not ours: RFC 3875 4.4 has the server pass a
	 * query without '=' (?symbol) as command-line words.
	 */
	if (getenv("GATEWAY_INTERFACE") != NULL)
		argc = 1;
	while ((ch = getopt(argc, argv, "b:d:g:hk:K:l:L:m:o:t:vw:")) != -1) {
		switch (ch) {
		case 'b': beat = optarg; break;
		case 'd': cfg.db_path = optarg; break;
		case 'g': lag = optarg; break;
		case 'k': cfg.keys_path = optarg; break;
		case 'K': cfg.keys_check = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'L': log = optarg; break;
		case 'm': cfg.socket_mode = config_mode(optarg); break;
		case 'o': origin = optarg; break;
		case 't': threads = optarg; break;
		case 'v': cfg.verbose++; break;
		case 'w': waiters = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	cfg.threads = threads == NULL ? THREADS_DEFAULT :
	    (int)config_int("TICKFEED_THREADS (-t)", threads, 1, THREADS_MAX);
	cfg.max_waiters = waiters == NULL ? MAX_WAITERS_DEFAULT :
	    (long)config_int("TICKFEED_MAX_WAITERS (-w)", waiters, 1,
	    MAX_WAITERS_MAX);
	cfg.heartbeat_ms = beat == NULL ? HEARTBEAT_MS_DEFAULT :
	    (int)config_int("TICKFEED_HEARTBEAT_MS (-b)", beat,
	    HEARTBEAT_MS_MIN, HEARTBEAT_MS_MAX);
	cfg.max_lag_ms = lag == NULL ? MAX_LAG_MS_DEFAULT :
	    config_int("TICKFEED_MAX_LAG_MS (-g)", lag, 0, MAX_LAG_MS_MAX);
	if (log_target_parse(log, &cfg.log) == -1)
		fatalx("log target must be stderr or syslog");
	if ((s = getenv("TICKFEED_NOW")) != NULL && *s != '\0')
		cfg.now_ms = config_int("TICKFEED_NOW", s, 1, TS_MAX);
	/* Only checked against the store's zone (worker.c): a name is enough. */
	if ((s = getenv("TICKFEED_TZ")) != NULL && *s != '\0') {
		if (strlen(s) > TZ_NAME_MAX)
			fatalx("TICKFEED_TZ is longer than %d bytes",
			    TZ_NAME_MAX);
		strcpy(cfg.tz, s);
	}
	tzcal_setup();		/* before any thread: see tzcal.h */
	config_origin(origin);
}
