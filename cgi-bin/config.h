/*
 * The app's settings: each an environment variable (as FastCGI servers
 * are configured) and a flag, the flag winning; checked once in main()
 * by config_load() and read-only afterwards.
 *
 *   TICKFEED_DB           -d  the database (opened read-only)
 *   TICKFEED_LISTEN       -l  unix:/path or host:port; unset: fd 0 or CGI
 *   TICKFEED_THREADS      -t  workers, 1..64 (default 4)
 *   TICKFEED_CORS_ORIGIN  -o  Access-Control-Allow-Origin (default *)
 *   TICKFEED_LOG          -L  stderr or syslog
 *   TICKFEED_MAX_WAITERS  -w  parked poll/stream requests (default 10000)
 *   TICKFEED_HEARTBEAT_MS -b  stream heartbeat interval (default 15000)
 *   TICKFEED_KEYS         -k  the API key file (auth.h); unset: no check
 *                         -K  check a key file, say what it holds, exit
 *   TICKFEED_MAX_LAG_MS   -g  on an edge, health fails past this
 *                             replication lag (default 15000, 0 never)
 *                         -m  mode of a unix socket the app creates
 *                         -v  more log
 *   TICKFEED_TZ               when set, the store's trading zone must be it
 *   TICKFEED_NOW              a fixed clock in ms, for tests only
 */
#ifndef TICKFEED_CONFIG_H
#define TICKFEED_CONFIG_H

#include <stdint.h>

#include "log.h"
#include "tzcal.h"

#define CORS_ORIGIN_MAX		256
#define THREADS_MAX		64
#define THREADS_DEFAULT		4
#define MAX_WAITERS_DEFAULT	10000
#define MAX_WAITERS_MAX		1000000
#define HEARTBEAT_MS_DEFAULT	15000
#define HEARTBEAT_MS_MIN	100
#define HEARTBEAT_MS_MAX	600000
#define MAX_LAG_MS_DEFAULT	15000
#define MAX_LAG_MS_MAX		86400000

struct config {
	const char	*db_path;
	const char	*listen;	/* NULL: fd 0 (FastCGI) or plain CGI */
	int		 threads;
	int		 socket_mode;	/* chmod of a unix socket we create */
	long		 max_waiters;
	int		 heartbeat_ms;
	int64_t		 max_lag_ms;	/* 0: health ignores the lag */
	char		 cors_origin[CORS_ORIGIN_MAX];
	const char	*keys_path;	/* NULL: the API needs no key */
	const char	*keys_check;	/* -K: only check this key file */
	char		 tz[TZ_NAME_MAX + 1];	/* TICKFEED_TZ; "" unset */
	int64_t		 now_ms;	/* TICKFEED_NOW; 0 = the real clock */
	enum log_target	 log;
	int		 verbose;
};
extern struct config cfg;

/*
 * Fills cfg from the environment and argv; exits with a message (status
 * 2 for usage, 1 for a bad value) when something does not check.
 */
void	config_load(int argc, char *argv[]);

/* The clock handlers use: TICKFEED_NOW when set, else the wall clock. */
int64_t	app_now_ms(void);

#endif
