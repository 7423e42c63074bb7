/*
 * pushload's verdicts: the tests' check against the store (-d), and the
 * bench's figures (latency, missed/doubled/out of order, and for each -C
 * group its CPU per delivery and peak memory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pushload.h"

/* Expected ids of set: ticks after start up to target, by id. */
static void
expect_ids(sqlite3 *db, const char *set, struct ids *out)
{
	char		 json[4096] = "", *p, *tok, *save = NULL;
	sqlite3_stmt	*st;

	if (*set) {
		p = strdup(set);
		strcat(json, "[");
		for (tok = strtok_r(p, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save))
			snprintf(json + strlen(json), sizeof(json) - strlen(json),
			    "%s\"%s\"", json[1] ? "," : "", tok);
		strcat(json, "]");
		free(p);
	}
	if (sqlite3_prepare_v2(db, "SELECT t.id FROM ticks t JOIN symbols s ON"
	    " s.id = t.symbol_id WHERE t.id > ?1 AND t.id <= ?2 AND (?3 = '' OR"
	    " s.symbol IN (SELECT value FROM json_each(?3))) ORDER BY t.id",
	    -1, &st, NULL) != SQLITE_OK)
		exit(2);
	sqlite3_bind_int64(st, 1, g.start);
	sqlite3_bind_int64(st, 2, g.target);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		ids_add(out, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
}

/* -d, once the target is known: what each symbol set should receive. */
void
load_want(void)
{
	sqlite3	*db;
	int	 i;

	if (sqlite3_open_v2(g.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		exit(2);
	for (i = 0; i < g.nsets; i++)
		expect_ids(db, g.sets[i], &g.want[i]);
	sqlite3_close(db);
}

/* Compares what each tickfeed client got with the store; returns the faults. */
long
check(void)
{
	struct ids	*want = g.want;
	long		 i, missing = 0, doubled = 0, disorder = 0, extra = 0;
	long		 expected = 0, got = 0;
	size_t		 a, b;
	struct client	*c;

	if (g.target < 0) {
		printf("pushload: no target\n");
		return 1;
	}
	for (i = 0; i < g.nc; i++) {
		c = &g.c[i];
		if (c->kind != K_POLL && c->kind != K_SSE)
			continue;
		expected += (long)want[c->set].n;
		got += (long)c->got.n;
		for (a = 1; a < c->got.n; a++) {
			if (c->got.v[a] == c->got.v[a - 1])
				doubled++;
			else if (c->got.v[a] < c->got.v[a - 1])
				disorder++;
		}
		for (a = b = 0; a < want[c->set].n; a++) {
			while (b < c->got.n && c->got.v[b] < want[c->set].v[a])
				b++;
			if (b == c->got.n || c->got.v[b] != want[c->set].v[a])
				missing++;
		}
		for (a = 0; a < c->got.n; a++)
			if (c->got.v[a] <= g.start || c->got.v[a] > g.target)
				extra++;
	}
	printf("clients=%ld expected=%ld received=%ld missing=%ld doubled=%ld "
	    "disorder=%ld extra=%ld reconnects=%ld errors=%ld bad_status=%ld\n",
	    g.nc, expected, got, missing, doubled, disorder, extra,
	    g.reconnects, g.errors, g.bad_status);
	return missing + doubled + disorder + extra + g.bad_status;
}

/* ---- processes (-C) ------------------------------------------------------ */

struct proc {
	long long	ticks;		/* utime + stime, all threads */
	long		threads;
	long		rss_kb;
};

/* /proc/PID/stat of pid into p; 0 and p zeroed if it is gone. */
static int
proc_read(long pid, struct proc *p)
{
	char		 path[64], buf[1024], *s;
	unsigned long long ut, st;
	long		 rss;
	FILE		*f;
	size_t		 n;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After the command name: state is field 3, utime 14, stime 15,
	 * num_threads 20, rss 24 (pages). */
	if ((s = strrchr(buf, ')')) == NULL || sscanf(s + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d "
	    "%*d %*d %ld %*d %*u %*u %ld", &ut, &st, &p->threads, &rss) != 4)
		return 0;
	p->ticks = (long long)(ut + st);
	p->rss_kb = rss * (sysconf(_SC_PAGESIZE) / 1024);
	return 1;
}

/* The sum over a comma-separated list of pids. */
static void
proc_group(const char *pids, struct proc *sum)
{
	struct proc	 p;
	const char	*s;
	char		*end;
	long		 pid;

	memset(sum, 0, sizeof(*sum));
	for (s = pids; *s != '\0'; s = end) {
		pid = strtol(s, &end, 10);
		if (end == s)
			break;
		if (proc_read(pid, &p)) {
			sum->ticks += p.ticks;
			sum->threads += p.threads;
			sum->rss_kb += p.rss_kb;
		}
		while (*end == ',')
			end++;
	}
}

/* Adds sign * the CPU time so far of each -C group and of pushload. */
void
cpu_account(int sign)
{
	struct proc	p;
	int		i;

	for (i = 0; i < g.ngroups; i++) {
		proc_group(g.groups[i].pids, &p);
		g.groups[i].ticks += sign * p.ticks;
	}
	proc_read((long)getpid(), &p);
	g.cpu_cli += sign * p.ticks;
}

/* Raises each -C group's peak memory and threads to what they hold now. */
void
proc_sample(void)
{
	struct group	*gr;
	struct proc	 p;
	int		 i;

	for (i = 0; i < g.ngroups; i++) {
		gr = &g.groups[i];
		proc_group(gr->pids, &p);
		if (p.rss_kb > gr->rss_kb)
			gr->rss_kb = p.rss_kb;
		if (p.threads > gr->threads)
			gr->threads = p.threads;
	}
}

/* ---- bench figures ------------------------------------------------------- */

static int
lat_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* -v: which messages were late, and for whom (ms). */
static void
report_messages(void)
{
	int64_t	*v;
	long	 i, m, n;

	if ((v = malloc((size_t)g.nc * sizeof(*v))) == NULL)
		return;
	for (m = 0; m < g.messages; m++) {
		for (i = n = 0; i < g.nc; i++)
			if (g.c[i].seen[m])
				v[n++] = g.mlat[m * g.nc + i];
		if (n == 0)
			continue;
		qsort(v, (size_t)n, sizeof(*v), lat_cmp);
		fprintf(stderr, "message %3ld: clients=%ld min_ms=%.1f "
		    "p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n", m + 1, n,
		    v[0] / 1e3, v[n / 2] / 1e3, v[(n * 99) / 100] / 1e3,
		    v[n - 1] / 1e3);
	}
	free(v);
}

/* The bench's line of figures; returns the faults (missed, doubled ...). */
long
report_bench(void)
{
	long	i, m, missed = 0, doubled = 0, disorder = 0;
	double	us;

	for (i = 0; i < g.nc; i++) {
		for (m = 0; m < g.messages; m++) {
			missed += g.c[i].seen[m] == 0;
			doubled += g.c[i].seen[m] > 1 ? g.c[i].seen[m] - 1 : 0;
		}
		disorder += g.c[i].disorder;
	}
	qsort(g.lat, (size_t)g.nlat, sizeof(*g.lat), lat_cmp);
	if (g.mlat != NULL)
		report_messages();
	us = 1e6 / (double)sysconf(_SC_CLK_TCK) / (double)(g.nlat ? g.nlat : 1);
	printf("clients=%ld messages=%ld delivered=%ld missed=%ld doubled=%ld "
	    "disorder=%ld p50_ms=%.1f p99_ms=%.1f max_ms=%.1f reconnects=%ld "
	    "errors=%ld bad_status=%ld", g.nc, g.messages, g.nlat, missed,
	    doubled, disorder, g.nlat ? g.lat[g.nlat / 2] / 1e3 : -1.0,
	    g.nlat ? g.lat[(g.nlat * 99) / 100] / 1e3 : -1.0,
	    g.nlat ? g.lat[g.nlat - 1] / 1e3 : -1.0, g.reconnects, g.errors,
	    g.bad_status);
	for (i = 0; i < g.ngroups; i++)
		printf(" cpu%ld_us=%.1f rss%ld_kb=%ld threads%ld=%ld", i + 1,
		    (double)g.groups[i].ticks * us, i + 1, g.groups[i].rss_kb,
		    i + 1, g.groups[i].threads);
	printf(" cli_cpu_us=%.1f\n", (double)g.cpu_cli * us);
	return missed + doubled + disorder + g.bad_status;
}
