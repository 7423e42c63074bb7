/*
 * pushload: many long-poll / SSE / Nchan subscribers in one epoll loop,
 * for the tests in tests/push/ (correctness under load) and bench/push.sh
 * (latency).
 *
 *   pushload -p PORT [-P N] [-S N] [-N N] [-E N] [options]
 *
 *   -p PORT	nginx (or Apache) on 127.0.0.1
 *   -P N	N long-poll clients (GET /api/v1/poll, HTTP/1.1 keep-alive)
 *   -S N	N SSE clients (GET /api/v1/stream, HTTP/1.0, until close)
 *   -N N	N Nchan long-poll subscribers (GET /sub/bench)
 *   -E N	N Nchan EventSource subscribers (GET /es/bench, HTTP/1.0)
 *   -s SETS	symbol sets, ';'-separated, given to clients in turn ("" = all)
 *   -c ID	the cursor every client starts from (with -W, default: the
 *		store's head when pushload starts)
 *   -t S	poll timeout= (default 25)
 *   -r K	resume: every K-th answer (event) a client closes and comes back
 *		with its cursor (Last-Event-ID for SSE); 0 never
 *   -a K	abandon: every K-th request a poll client closes its
 *		connection 20 ms after sending, before any answer, then resumes
 *   -d DB	check at the end: each client saw exactly the ticks of its set
 *		after -c up to the target, in id order, none twice (sqlite)
 *   -u FILE	target: stop once FILE holds an id and every client has it
 *   -W DB	publish (bench): a tick of BENCH every 1/-R s, -M of them, into
 *		DB in its own transaction, size = commit time in us
 *   -F FIFO	with -W: publish through the ingest tool instead: one CSV
 *		line a message written to FIFO, which `tickfeed-ingest --db DB
 *		--follow -` reads (started first); size = send time in us
 *		after pushload started.  A first line, before any client
 *		connects, warms the tool up and is not a message
 *   -U PATH	publish to Nchan instead: POST PATH, body "seq usec"
 *   -R RATE	messages a second (default 1); -M COUNT (default 20)
 *   -T S	give up after S seconds (default 120)
 *   -C PIDS	bench: these processes (comma-separated, all their
 *		threads) as one group, up to 4: CPU time from the first
 *		message to the last delivery, per delivery in us (cpuK_us=,
 *		K = 1.. in the order given), peak of their summed RSS
 *		(rssK_kb=) and threads (threadsK=); and pushload's own CPU
 *		(cli_cpu_us=)
 *   -v		bench: also one line per message on stderr (p50/p99/max,
 *		first and last receipt), to see which messages make the p99
 *
 * A bench message's latency is its receipt minus the wall clock when it
 * was sent (committed, written to the feed, POSTed), which the message
 * carries.  Prints one line of key=value figures; exits 1 when anything
 * was missed, doubled, out of order, or the deadline passed first.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "pushload.h"

struct pushload g = { .timeout = 25, .rate = 1, .messages = 20, .maxs = 120,
	.target = -1, .feedfd = -1 };

int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
ids_add(struct ids *a, long long v)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		if ((a->v = realloc(a->v, a->cap * sizeof(*a->v))) == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	a->v[a->n++] = v;
}

static int
all_reached(void)
{
	FILE	*f;
	long	 i, m;

	if (g.pub != PUB_NONE) {
		if (!g.pub_done)
			return 0;
		for (i = 0; i < g.nc; i++)
			for (m = 0; m < g.messages; m++)
				if (!g.c[i].seen[m])
					return 0;
		return 1;
	}
	if (g.target < 0 && g.until && (f = fopen(g.until, "r")) != NULL) {
		if (fscanf(f, "%lld", &g.target) != 1)
			g.target = -1;
		fclose(f);
		if (g.target >= 0)
			load_want();
	}
	if (g.target < 0)
		return 0;
	/* Done when each has as many ticks as its set has: check() says
	 * whether they are the right ones. */
	for (i = 0; i < g.nc; i++)
		if (g.c[i].got.n < g.want[g.c[i].set].n)
			return 0;
	return 1;
}

static void
loop(void)
{
	struct epoll_event	 evs[512];
	int64_t			 end = now_us() + g.maxs * 1000000, t;
	int64_t			 sampled = 0;
	int			 i, n;
	long			 k;

	while ((t = now_us()) < end) {
		n = epoll_wait(g.epfd, evs, 512, 50);
		for (i = 0; i < n; i++)
			client_read(evs[i].data.ptr);
		for (k = 0; g.abandon > 0 && k < g.nc; k++)
			if (g.c[k].abandon_at && g.c[k].abandon_at <= t &&
			    g.c[k].len == 0)
				client_reconnect(&g.c[k]);
		if (g.ngroups > 0 && t - sampled >= 100000) {
			proc_sample();
			sampled = t;
		}
		if (all_reached())
			return;
	}
	printf("pushload: deadline passed before every client was done\n");
	g.errors++;
}

static void
usage(void)
{
	fprintf(stderr, "usage: pushload -p port [-P n] [-S n] [-N n] [-E n] "
	    "[-s sets] [-c id] [-t s] [-r k]\n\t[-a k] [-d db] [-u file] "
	    "[-W db [-F fifo] | -U path] [-R rate] [-M count]\n\t[-T s] "
	    "[-C pids] [-v]\n");
	exit(2);
}

/* -s: the ';'-separated symbol sets ("*" = every symbol), at most MAXSETS. */
static void
option_sets(char *arg)
{
	char *s, *save = NULL;

	for (s = strtok_r(arg, ";", &save); s && g.nsets < MAXSETS;
	    s = strtok_r(NULL, ";", &save))
		g.sets[g.nsets++] = strcmp(s, "*") ? s : "";
}

static void
options(int argc, char *argv[])
{
	int ch;

	while ((ch = getopt(argc, argv,
	    "a:C:c:d:E:F:M:N:p:P:r:R:s:S:t:T:u:U:vW:")) != -1) {
		switch (ch) {
		case 'a': g.abandon = atoi(optarg); break;
		case 'C':
			if (g.ngroups < MAXGROUPS)
				g.groups[g.ngroups++].pids = optarg;
			break;
		case 'c': g.start = atoll(optarg); g.start_set = 1; break;
		case 'd': g.db = optarg; break;
		case 'E': g.counts[K_NCHAN_SSE] = atol(optarg); break;
		case 'F': g.feed = optarg; break;
		case 'M': g.messages = atol(optarg); break;
		case 'N': g.counts[K_NCHAN] = atol(optarg); break;
		case 'p': g.port = atoi(optarg); break;
		case 'P': g.counts[K_POLL] = atol(optarg); break;
		case 'r': g.resume = atoi(optarg); break;
		case 'R': g.rate = atof(optarg); break;
		case 's': option_sets(optarg); break;
		case 'S': g.counts[K_SSE] = atol(optarg); break;
		case 't': g.timeout = atoi(optarg); break;
		case 'T': g.maxs = atol(optarg); break;
		case 'u': g.until = optarg; break;
		case 'U': g.puburl = optarg; break;
		case 'v': g.verbose = 1; break;
		case 'W': g.pubdb = optarg; break;
		default: usage();
		}
	}
	if (g.puburl != NULL)
		g.pub = PUB_NCHAN;
	else if (g.pubdb != NULL)
		g.pub = g.feed != NULL ? PUB_FEED : PUB_DB;
	if (g.port == 0 || (g.pub == PUB_NONE && g.until == NULL) ||
	    (g.feed != NULL && g.pub != PUB_FEED) || g.rate <= 0)
		usage();
	if (g.nsets == 0)
		g.sets[g.nsets++] = "";
}

/* Every client, its buffer and (bench) its per-message record. */
static void
clients_alloc(void)
{
	long	i, k;
	int	kind;

	g.nc = g.counts[K_POLL] + g.counts[K_SSE] + g.counts[K_NCHAN] +
	    g.counts[K_NCHAN_SSE];
	if ((g.c = calloc((size_t)g.nc, sizeof(*g.c))) == NULL)
		exit(2);
	for (kind = 0, i = 0; kind < K__MAX; kind++)
		for (k = 0; k < g.counts[kind]; k++, i++) {
			g.c[i].kind = (enum kind)kind;
			g.c[i].idx = (int)i;
			g.c[i].set = (int)(i % g.nsets);
			g.c[i].cursor = g.start;
			g.c[i].last = -1;
			if ((g.c[i].buf = malloc(RBUF)) == NULL ||
			    (g.c[i].seen = calloc((size_t)g.messages, 1)) == NULL)
				exit(2);
		}
	if (g.verbose && (g.mlat = calloc((size_t)(g.nc * g.messages),
	    sizeof(*g.mlat))) == NULL)
		exit(2);
}

int
main(int argc, char *argv[])
{
	pthread_t	 tid;
	sqlite3		*pubdb = NULL;
	long		 i, faults;

	options(argc, argv);
	signal(SIGPIPE, SIG_IGN);	/* a closed connection is read as such */
	g.t0 = now_us();
	if (g.pub == PUB_FEED) {
		g.stamp_base = g.t0;
		pub_feed_open();
	}
	if (g.pub == PUB_DB || g.pub == PUB_FEED)
		pubdb = pub_open();
	clients_alloc();
	if ((g.epfd = epoll_create1(0)) == -1)
		exit(2);
	/* Connect in steps, so the listen queues never overflow. */
	for (i = 0; i < g.nc; i++) {
		client_connect(&g.c[i]);
		if (i % 500 == 499)
			usleep(50000);
	}
	if (g.pub != PUB_NONE) {
		sleep(g.nc >= 5000 ? 5 : 2);	/* every request is waiting */
		proc_sample();
		cpu_account(-1);
		pub_start(&tid, pubdb);
	}
	loop();
	cpu_account(1);
	proc_sample();
	if (g.pub != PUB_NONE) {
		pthread_join(tid, NULL);
		sqlite3_close(pubdb);	/* NULL (-F, or no -W) is a no-op */
		pub_feed_close();
		faults = report_bench();
	} else
		faults = g.db != NULL ? check() : 0;
	return faults || g.errors ? 1 : 0;
}
