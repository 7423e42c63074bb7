/*
 * simulate: the built-in feed.  Seeded random walks, one per symbol, with
 * the symbol's own tick size and decimals (equities in cents, EURUSD in
 * 1/100000, USDJPY in 1/1000) and sizes like a tape (round lots of 100,
 * some odd lots; FX in thousands).  The same seed gives the same ticks;
 * with --start-ts the timestamps are start + i * step-ms and the whole
 * output is reproducible, else each tick carries the wall clock.  Each
 * tick's seq is its index in the run, so a rerun of a reproducible run is
 * all duplicates.  Ticks go into the database (committed every --batch
 * ticks or --flush-ms, whichever first) or, with --print, to stdout.
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "log.h"
#include "price.h"
#include "src.h"
#include "timeutil.h"

#define SIM_SYMBOLS_DEFAULT	"AAPL,MSFT,TSLA,SPY,EURUSD,USDJPY"
#define SIM_SYMBOLS_MAX		64

enum sim_kind {
	SIM_EQUITY,
	SIM_FX,
	SIM_KIND__MAX
};

static const struct {
	const char	*symbol;
	const char	*price;
	int		 decimals;
	enum sim_kind	 kind;
} sim_presets[] = {
	{ "AAPL", "189.50", 2, SIM_EQUITY },
	{ "MSFT", "415.20", 2, SIM_EQUITY },
	{ "TSLA", "242.10", 2, SIM_EQUITY },
	{ "SPY", "452.30", 2, SIM_EQUITY },
	{ "EURUSD", "1.08520", 5, SIM_FX },
	{ "USDJPY", "149.235", 3, SIM_FX },
};

struct sim_sym {
	char		 name[SYMBOL_MAX + 1];
	int64_t		 price;		/* scaled */
	int64_t		 tick;		/* one price step, scaled */
	int		 decimals;
	enum sim_kind	 kind;
};

struct sim {
	const struct ingest_config	*cfg;
	uint64_t			 s[4];	/* xoshiro256** state */
	struct sim_sym			 syms[SIM_SYMBOLS_MAX];
	size_t				 nsyms;
	long long			 n;	/* ticks made */
};

static uint64_t
sim_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
sim_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna): fast, seedable, good enough. */
static uint64_t
sim_next(struct sim *sm)
{
	uint64_t *s = sm->s, r = sim_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rotl(s[3], 45);
	return r;
}

/* Uniform in [0, 1). */
static double
sim_unit(struct sim *sm)
{
	return (double)(sim_next(sm) >> 11) * 0x1.0p-53;
}

/* Roughly standard normal: Irwin-Hall of 12 uniforms, minus 6. */
static double
sim_gauss(struct sim *sm)
{
	double	sum = 0;
	int	i;

	for (i = 0; i < 12; i++)
		sum += sim_unit(sm);
	return sum - 6;
}

static int64_t
sim_pow10(int n)
{
	int64_t v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

/* Sets up one symbol from the presets, else 20..500 in cents. */
static int
sim_add_symbol(struct sim *sm, const char *name, size_t len)
{
	struct sim_sym	*ss;
	size_t		 i;

	if (valid_symbol(name, len) == -1 || sm->nsyms == SIM_SYMBOLS_MAX)
		return -1;
	ss = &sm->syms[sm->nsyms++];
	memcpy(ss->name, name, len);
	ss->name[len] = '\0';
	ss->decimals = 2;
	ss->kind = SIM_EQUITY;
	ss->price = (int64_t)(2000 + sim_next(sm) % 48000) * sim_pow10(6);
	for (i = 0; i < sizeof(sim_presets) / sizeof(sim_presets[0]); i++)
		if (strcmp(sim_presets[i].symbol, ss->name) == 0) {
			(void)price_parse(sim_presets[i].price,
			    strlen(sim_presets[i].price), &ss->price, NULL);
			ss->decimals = sim_presets[i].decimals;
			ss->kind = sim_presets[i].kind;
		}
	ss->tick = sim_pow10(PRICE_DECIMALS - ss->decimals);
	return 0;
}

static int
sim_init(struct sim *sm, const struct ingest_config *cfg)
{
	const char	*p, *e;
	uint64_t	 x = cfg->seed;
	int		 i;

	memset(sm, 0, sizeof(*sm));
	sm->cfg = cfg;
	for (i = 0; i < 4; i++)
		sm->s[i] = sim_splitmix(&x);
	p = cfg->symbols != NULL ? cfg->symbols : SIM_SYMBOLS_DEFAULT;
	for (;; p = e + 1) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (sim_add_symbol(sm, p, (size_t)(e - p)) == -1) {
			log_warnx("--symbols: bad symbol list (1..%d symbols "
			    "of 1..%d of A-Z 0-9 . - _ ^ =)", SIM_SYMBOLS_MAX,
			    SYMBOL_MAX);
			return -1;
		}
		if (*e == '\0')
			return 0;
	}
}

/* A size as a tape would show it. */
static int64_t
sim_size(struct sim *sm, enum sim_kind kind)
{
	uint64_t r = sim_next(sm);

	if (kind == SIM_FX)
		return (int64_t)(1 + r % 1000) * 1000;
	if (r % 10 < 3)
		return (int64_t)(1 + (r >> 8) % 99);	/* odd lot */
	return (int64_t)(1 + (r >> 8) % 20) * 100 *
	    ((r >> 16) % 16 == 0 ? 10 : 1);
}

/* The next tick of the run into t. */
static void
sim_tick(struct sim *sm, struct tick *t)
{
	struct sim_sym	*ss = &sm->syms[sim_next(sm) % sm->nsyms];
	double		 sigma;
	int64_t		 steps;

	sigma = (double)ss->price * 0.0002 / (double)ss->tick;
	if (sigma < 1)
		sigma = 1;
	steps = (int64_t)llround(sim_gauss(sm) * sigma);
	ss->price += steps * ss->tick;
	if (ss->price < ss->tick)
		ss->price = ss->tick;
	tick_reset(t);
	memcpy(t->symbol, ss->name, sizeof(t->symbol));
	t->price = ss->price;
	t->decimals = ss->decimals;
	t->size = sim_size(sm, ss->kind);
	t->seq = sm->n;
	t->nkey = t->seq;
	t->ts = sm->cfg->start_ts >= 0 ?
	    sm->cfg->start_ts + sm->n * sm->cfg->step_ms : time_now_ms();
	sm->n++;
}

static void
sim_print(const struct tick *t, int format)
{
	char price[PRICE_BUFSZ];

	price_format(t->price, t->decimals, price);
	if (format == SRC_CSV)
		printf("%s,%lld,%s,%lld,%lld\n", t->symbol, (long long)t->ts,
		    price, (long long)t->size, (long long)t->seq);
	else
		printf("{\"symbol\":\"%s\",\"ts\":%lld,\"price\":\"%s\","
		    "\"size\":%lld,\"seq\":%lld}\n", t->symbol,
		    (long long)t->ts, price, (long long)t->size,
		    (long long)t->seq);
}

/*
 * Sleeps until the next tick is due.  Group commit, as --follow: before
 * sleeping (no tick is ready) the open batch commits, so a lone tick is
 * stored at once; a run behind its pace grows the batch, up to --batch
 * ticks or --flush-ms.  0 or -1 (database error).
 */
static int
sim_pace(struct sim *sm, struct writer *w, int64_t t0)
{
	const struct ingest_config	*cfg = sm->cfg;
	int64_t				 due, now;

	if (cfg->rate <= 0)
		return 0;
	due = t0 + (int64_t)((double)sm->n * 1000.0 / cfg->rate);
	while (!ingest_stop && (now = time_mono_ms()) < due) {
		if (w != NULL && writer_pending(w) > 0) {
			if (writer_commit(w) == -1)
				return -1;
			continue;
		}
		(void)poll(NULL, 0, (int)(due - now));
	}
	if (w != NULL && writer_pending(w) > 0 &&
	    time_mono_ms() - writer_opened_ms(w) >= cfg->flush_ms)
		return writer_commit(w);
	return 0;
}

static int
sim_done(const struct sim *sm, int64_t t0)
{
	const struct ingest_config *cfg = sm->cfg;

	return ingest_stop || (cfg->count >= 0 && sm->n >= cfg->count) ||
	    (cfg->duration >= 0 &&
	    (double)(time_mono_ms() - t0) >= cfg->duration * 1000.0);
}

/* The run itself; w is NULL when printing.  0 or -1 (database error). */
static int
sim_run(struct sim *sm, struct writer *w, struct ingest_stats *st)
{
	struct tick	t;
	int64_t		t0 = time_mono_ms();

	if (sm->cfg->print == SRC_CSV)
		printf("symbol,ts,price,size,seq\n");
	while (!sim_done(sm, t0)) {
		if (sim_pace(sm, w, t0) == -1)
			return -1;
		if (ingest_stop)
			break;
		sim_tick(sm, &t);
		st->read++;
		if (w == NULL) {
			sim_print(&t, sm->cfg->print);
			if (sm->cfg->rate > 0 && fflush(stdout) == EOF)
				break;
		} else if (writer_add(w, &t, st) == -1)
			return -1;
	}
	if (w == NULL) {
		(void)fflush(stdout);	/* a closed pipe just ends the run */
		return 0;
	}
	return writer_commit(w);
}

int
cmd_simulate(const struct ingest_config *cfg)
{
	struct sim		 sm;
	struct ingest_stats	 st = { 0, 0, 0, 0 };
	struct writer		*w = NULL;
	sqlite3			*db = NULL;
	int			 ex = INGEST_EXIT_OK;

	if (sim_init(&sm, cfg) == -1)
		return INGEST_EXIT_USAGE;
	if (cfg->print < 0) {
		if ((db = ingest_db_open(cfg)) == NULL)
			return INGEST_EXIT_DB;
		if ((w = writer_new(db, cfg->batch > 0 ? cfg->batch :
		    cfg->rate > 0 ? 1000 : WRITER_BATCH_DEFAULT)) == NULL) {
			ex = INGEST_EXIT_DB;
			goto out;
		}
	}
	if (sim_run(&sm, w, &st) == -1)
		ex = INGEST_EXIT_DB;
	if (w != NULL)
		import_report(cfg, "simulate", &st, 0);
out:
	writer_free(w);
	sqlite3_close(db);
	return ex;
}
