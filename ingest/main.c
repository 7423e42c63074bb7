/*
 * tickfeed-ingest: the command line.  One option table says which command
 * takes which option; main() checks the table, fills an ingest_config and
 * runs the command.  Exit codes are enum ingest_exit (ingest.h).
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "ingest.h"
#include "log.h"
#include "replica.h"
#include "src.h"
#include "timeutil.h"
#include "tzcal.h"
#include "valid.h"

static const char *const cmd_names[CMD__MAX] = {
	[CMD_IMPORT] = "import",
	[CMD_SIMULATE] = "simulate",
	[CMD_PRUNE] = "prune",
	[CMD_INIT] = "init",
	[CMD_MIGRATE] = "migrate",
	[CMD_SET_TZ] = "set-tz",
	[CMD_PUBLISH] = "publish",
	[CMD_REPLICATE] = "replicate",
	[CMD_SNAPSHOT] = "snapshot",
};

#define ALL	((1u << CMD__MAX) - 1)
#define IMP	(1u << CMD_IMPORT)
#define SIM	(1u << CMD_SIMULATE)
#define PRU	(1u << CMD_PRUNE)
#define PUB	(1u << CMD_PUBLISH)
#define REP	(1u << CMD_REPLICATE)

enum opt {
	OPT_DB = 'd', OPT_HELP = 'h', OPT_QUIET = 'q', OPT_VERBOSE = 'v',
	OPT_FORMAT = 256, OPT_SPOOL, OPT_FOLLOW, OPT_COMPLETE, OPT_TS_UNIT,
	OPT_BATCH, OPT_FLUSH_MS,
	OPT_SYMBOLS, OPT_SEED, OPT_RATE, OPT_COUNT, OPT_DURATION,
	OPT_START_TS, OPT_STEP_MS, OPT_PRINT, OPT_OLDER_THAN,
	OPT_REDIS, OPT_SENTINEL, OPT_MASTER, OPT_STREAM, OPT_MAXLEN, OPT__END
};

/* Which commands take each option. */
static const struct {
	struct option	 lo;
	unsigned	 cmds;
} opts[] = {
	{ { "db", required_argument, NULL, OPT_DB }, ALL },
	{ { "help", no_argument, NULL, OPT_HELP }, ALL },
	{ { "quiet", no_argument, NULL, OPT_QUIET }, ALL },
	{ { "verbose", no_argument, NULL, OPT_VERBOSE }, ALL },
	{ { "format", required_argument, NULL, OPT_FORMAT }, IMP },
	{ { "spool", required_argument, NULL, OPT_SPOOL }, IMP },
	{ { "follow", no_argument, NULL, OPT_FOLLOW }, IMP },
	{ { "complete", no_argument, NULL, OPT_COMPLETE }, IMP },
	{ { "ts-unit", required_argument, NULL, OPT_TS_UNIT }, IMP },
	{ { "batch", required_argument, NULL, OPT_BATCH }, IMP | SIM },
	{ { "flush-ms", required_argument, NULL, OPT_FLUSH_MS }, IMP | SIM },
	{ { "symbols", required_argument, NULL, OPT_SYMBOLS }, SIM },
	{ { "seed", required_argument, NULL, OPT_SEED }, SIM },
	{ { "rate", required_argument, NULL, OPT_RATE }, SIM },
	{ { "count", required_argument, NULL, OPT_COUNT }, SIM },
	{ { "duration", required_argument, NULL, OPT_DURATION }, SIM },
	{ { "start-ts", required_argument, NULL, OPT_START_TS }, SIM },
	{ { "step-ms", required_argument, NULL, OPT_STEP_MS }, SIM },
	{ { "print", required_argument, NULL, OPT_PRINT }, SIM },
	{ { "older-than", required_argument, NULL, OPT_OLDER_THAN }, PRU },
	{ { "redis", required_argument, NULL, OPT_REDIS }, PUB | REP },
	{ { "sentinel", required_argument, NULL, OPT_SENTINEL }, PUB | REP },
	{ { "master", required_argument, NULL, OPT_MASTER }, PUB | REP },
	{ { "stream", required_argument, NULL, OPT_STREAM }, PUB | REP },
	{ { "maxlen", required_argument, NULL, OPT_MAXLEN }, PUB },
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: tickfeed-ingest [--db PATH] [-v|-q] [--format csv|ndjson]\n"
"           [--ts-unit s|ms|us|ns] [--complete] [--batch N] FILE...\n"
"                                       import files (- is stdin)\n"
"       tickfeed-ingest [--db PATH] --follow [--batch N] [--flush-ms M] FILE|-\n"
"       tickfeed-ingest [--db PATH] --spool DIR   import each new file once\n"
"       tickfeed-ingest [--db PATH] simulate [--symbols A,B] [--seed N]\n"
"           [--rate PER_S] [--count N | --duration S] [--start-ts T]\n"
"           [--step-ms MS] [--print csv|ndjson] [--batch N] [--flush-ms M]\n"
"       tickfeed-ingest [--db PATH] prune --older-than DAYS\n"
"       tickfeed-ingest [--db PATH] init | migrate\n"
"       tickfeed-ingest [--db PATH] set-tz ZONE  the store's trading zone\n"
"       tickfeed-ingest [--db ORIGIN] publish REDIS [--stream NAME] [--maxlen N]\n"
"       tickfeed-ingest [--db EDGE] replicate REDIS [--stream NAME]\n"
"           REDIS: --redis HOST:PORT | --sentinel HOST:PORT[,...] --master NAME\n"
"       tickfeed-ingest [--db ORIGIN] snapshot OUT.db   a copy an edge starts from\n"
"\n"
"--db defaults to $TICKFEED_DB, else %s.\n"
"$TICKFEED_TZ (a tz database name, e.g. America/New_York) is the zone of\n"
"a store created now; an existing store must have it already (set-tz\n"
"changes a store's zone and rebuilds its daily and weekly candles).\n"
"Formats: CSV with a header (symbol,ts,price[,size][,seq], any order) or\n"
"NDJSON objects with the same keys; told by extension or by sniffing.\n"
"An integer ts is in ms (--ts-unit: s, us, ns; us and ns are cut to ms);\n"
"one before 1980-01-01 or after 9999 is refused, saying which unit it\n"
"looks like.  ISO-8601 UTC text is taken as written.\n"
"A last line without a newline is being written: it is held back (said on\n"
"stderr, counted as held) and a spool file ending so is left for the next\n"
"run; --complete takes it as it is.\n"
"\n"
"exit status:\n"
"  0  everything read was stored (or was already stored, or held back)\n"
"  1  some lines or files were rejected; the rest was stored\n"
"  2  usage error\n"
"  3  another tickfeed-ingest holds the spool's lock; nothing done\n"
"  4  database error; the open batch was rolled back\n"
"  5  interrupted (SIGINT/SIGTERM) before the input ended; what was read is\n"
"     committed and a rerun completes it (not for --follow, simulate,\n"
"     publish and replicate, where a signal is the normal end)\n"
"  6  Redis (or the master Sentinel names) unreachable at start\n"
"  7  gap: the stream no longer holds the entries an edge needs, or the\n"
"     origin pruned ticks before they were published\n"
"  8  an entry of another store (its epoch differs)\n"
"  9  a malformed stream entry (nothing of it written)\n"
" 10  the stream and the store disagree (diverged)\n"
"See tickfeed-ingest(1).\n", DB_DEFAULT_PATH);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tickfeed-ingest: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry tickfeed-ingest --help\n");
	return INGEST_EXIT_USAGE;
}

static int
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return valid_int64(s, strlen(s), min, max, out);
}

/* A stream (a Redis key): 1..128 printable ASCII, no spaces. */
static int
stream_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 128)
		return -1;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return -1;
	return 0;
}

/* The option's value into cfg; 0 or -1 (bad value). */
static int
set_option(struct ingest_config *cfg, int o, const char *a)
{
	int64_t	v = 0;
	double	d;

	switch (o) {
	case OPT_DB: cfg->db_path = a; return 0;
	case OPT_QUIET: cfg->quiet = 1; return 0;
	case OPT_VERBOSE: cfg->verbose = 1; return 0;
	case OPT_SPOOL: cfg->spool = a; return 0;
	case OPT_FOLLOW: cfg->follow = 1; return 0;
	case OPT_COMPLETE: cfg->complete = 1; return 0;
	case OPT_SYMBOLS: cfg->symbols = a; return 0;
	case OPT_FORMAT: return (cfg->format = src_format_parse(a)) < 0 ? -1 : 0;
	case OPT_PRINT: return (cfg->print = src_format_parse(a)) < 0 ? -1 : 0;
	case OPT_TS_UNIT:
		return (cfg->ts_unit = tick_ts_unit_parse(a)) < 0 ? -1 : 0;
	case OPT_BATCH:
		if (parse_int(a, 1, 1000000, &v) == -1)
			return -1;
		cfg->batch = (size_t)v;
		return 0;
	case OPT_FLUSH_MS:
		if (parse_int(a, 1, 3600000, &v) == -1)
			return -1;
		cfg->flush_ms = (long)v;
		return 0;
	case OPT_SEED:
		if (parse_int(a, 0, INT64_MAX, &v) == -1)
			return -1;
		cfg->seed = (uint64_t)v;
		return 0;
	case OPT_COUNT:
		if (parse_int(a, 0, INT64_MAX, &v) == -1)
			return -1;
		cfg->count = v;
		return 0;
	case OPT_STEP_MS:
		return parse_int(a, 0, 86400000, &cfg->step_ms);
	case OPT_OLDER_THAN:
		if (parse_int(a, 0, 1000000, &v) == -1)
			return -1;
		cfg->older_than = (long)v;
		return 0;
	case OPT_REDIS: cfg->redis = a; return 0;
	case OPT_SENTINEL: cfg->sentinel = a; return 0;
	case OPT_MASTER: cfg->master = a; return 0;
	case OPT_STREAM: return stream_name(a) == -1 ? -1 :
	    (cfg->stream = a, 0);
	case OPT_MAXLEN:
		if (parse_int(a, 0, 1000000000, &v) == -1)
			return -1;
		cfg->maxlen = v;
		return 0;
	case OPT_START_TS:	/* what simulate prints must import back */
		if (time_parse_ts(a, strlen(a), &cfg->start_ts) == -1)
			return -1;
		return cfg->start_ts < TICK_TS_FLOOR ? -1 : 0;
	case OPT_RATE:
	case OPT_DURATION:
		if (valid_double(a, strlen(a), &d) == -1 || d < 0 ||
		    d > 1e9)
			return -1;
		*(o == OPT_RATE ? &cfg->rate : &cfg->duration) = d;
		return 0;
	default:
		return -1;
	}
}

static void
config_defaults(struct ingest_config *cfg)
{
	const char *env = getenv("TICKFEED_DB"), *tz = getenv("TICKFEED_TZ");

	memset(cfg, 0, sizeof(*cfg));
	cfg->db_path = env != NULL && *env != '\0' ? env : DB_DEFAULT_PATH;
	cfg->tz = tz != NULL && *tz != '\0' ? tz : NULL;
	cfg->format = -1;
	cfg->print = -1;
	cfg->flush_ms = 100;
	cfg->rate = 10;
	cfg->count = -1;
	cfg->duration = -1;
	cfg->start_ts = -1;
	cfg->step_ms = 0;
	cfg->older_than = -1;
	cfg->stream = "tickfeed";
	cfg->maxlen = PUBLISH_MAXLEN_DEFAULT;
}

/* The command word among the operands, if the first one is one. */
static enum ingest_cmd
find_cmd(int argc, char **argv)
{
	int c;

	for (c = CMD_SIMULATE; c < CMD__MAX && optind < argc; c++)
		if (strcmp(argv[optind], cmd_names[c]) == 0) {
			optind++;
			return (enum ingest_cmd)c;
		}
	return CMD_IMPORT;
}

/* Parses argv; returns -1 to go on, else the exit code to leave with. */
static int
parse_args(int argc, char **argv, struct ingest_config *cfg,
    unsigned *seen)
{
	struct option	lo[NOPTS + 1];
	size_t		i;
	int		o;

	for (i = 0; i < NOPTS; i++)
		lo[i] = opts[i].lo;
	memset(&lo[NOPTS], 0, sizeof(lo[NOPTS]));
	while ((o = getopt_long(argc, argv, "d:hqv", lo, NULL)) != -1) {
		if (o == '?')
			return usage_error("bad option");
		if (o == OPT_HELP) {
			usage(stdout);
			return INGEST_EXIT_OK;
		}
		for (i = 0; i < NOPTS && opts[i].lo.val != o; i++)
			;
		seen[i] = 1;
		if (set_option(cfg, o, optarg) == -1)
			return usage_error("bad value for --%s",
			    opts[i].lo.name);
	}
	cfg->cmd = find_cmd(argc, argv);
	for (i = 0; i < NOPTS; i++)
		if (seen[i] && !(opts[i].cmds & (1u << cfg->cmd)))
			return usage_error("--%s does not go with this command",
			    opts[i].lo.name);
	return -1;
}

/* Checks the operands fit the command. */
static int
check_operands(struct ingest_config *cfg, int nfiles, char **files)
{
	if (cfg->cmd == CMD_SET_TZ && nfiles != 1)
		return usage_error("set-tz takes one ZONE (e.g. UTC, "
		    "America/New_York)");
	if (cfg->cmd == CMD_SNAPSHOT) {
		if (nfiles != 1)
			return usage_error("snapshot takes one operand: OUT.db");
		cfg->out_path = files[0];
		return -1;
	}
	if ((cfg->cmd == CMD_PUBLISH || cfg->cmd == CMD_REPLICATE) &&
	    ((cfg->redis == NULL) == (cfg->sentinel == NULL) ||
	    (cfg->sentinel != NULL) != (cfg->master != NULL)))
		return usage_error("%s needs --redis HOST:PORT, or --sentinel "
		    "HOST:PORT[,...] with --master NAME", cmd_names[cfg->cmd]);
	if (cfg->cmd != CMD_IMPORT && cfg->cmd != CMD_SET_TZ && nfiles > 0)
		return usage_error("%s takes no file operands",
		    cmd_names[cfg->cmd]);
	if (cfg->cmd == CMD_PRUNE && cfg->older_than < 0)
		return usage_error("prune needs --older-than DAYS");
	if (cfg->cmd != CMD_IMPORT)
		return -1;
	if (cfg->spool != NULL && (nfiles > 0 || cfg->follow))
		return usage_error("--spool takes no files and no --follow");
	if (cfg->spool == NULL && nfiles == 0)
		return usage_error("nothing to import (FILE, - or --spool)");
	if (cfg->follow && nfiles != 1)
		return usage_error("--follow reads exactly one FILE or -");
	return -1;
}

static void
on_signal(int sig)
{
	(void)sig;
	ingest_stop = 1;
}

/* fds 0-2 open (a write must never land in the database), signals set. */
static void
defensive_setup(void)
{
	struct sigaction sa;
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: a read returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
main(int argc, char **argv)
{
	struct ingest_config	cfg;
	unsigned		seen[NOPTS + 1] = { 0 };
	int			rc, nfiles;

	defensive_setup();
	tzcal_setup();
	config_defaults(&cfg);
	if ((rc = parse_args(argc, argv, &cfg, seen)) != -1)
		return rc;
	nfiles = argc - optind;
	if ((rc = check_operands(&cfg, nfiles, argv + optind)) != -1)
		return rc;
	log_init("tickfeed-ingest", LOG_TARGET_STDERR, cfg.verbose);
	switch (cfg.cmd) {
	case CMD_SIMULATE: return cmd_simulate(&cfg);
	case CMD_PRUNE: return cmd_prune(&cfg);
	case CMD_INIT: return cmd_init(&cfg);
	case CMD_MIGRATE: return cmd_migrate(&cfg);
	case CMD_SET_TZ: return cmd_set_tz(&cfg, argv[optind]);
	case CMD_PUBLISH: return cmd_publish(&cfg);
	case CMD_REPLICATE: return cmd_replicate(&cfg);
	case CMD_SNAPSHOT: return cmd_snapshot(&cfg);
	default: break;
	}
	if (cfg.spool != NULL)
		return cmd_spool(&cfg);
	return cmd_import(&cfg, nfiles, argv + optind);
}
