#!/usr/bin/env python3
"""tests/fleet/figures.py: the figures of one fleet.t run, as a table.

  figures.py DIR FAILOVER_MS PUBLISH_MS REPUB SECONDS RATE COMMITS
             CLIENTS_LB CLIENTS_ONE "XLEN BYTES TICKS"

From the run's directory: watch.log, fleetwatch's "T_US NAME HEAD" lines
(origin, edge1..3); faults.log, fleet.t's "T_US EVENT" lines; windows,
"START_US END_US" lines, each fault from its start to 5 s after its end;
load-{lb,one}.out, fleetload's result lines, and progress-{lb,one}.log,
its "T_US ANSWERS EVENTS TICKS" lines; cpu.log, "T_US GROUP TICKS" lines
(CPU clock ticks of each group of processes, two samples).  Replication lag is, for each commit the origin's watcher
saw, the time until each edge's head reached it; "outside faults" leaves
out the commits inside a window (as fleetload's calm_* figures do)."""
import bisect
import os
import sys

EDGES = ["edge1", "edge2", "edge3"]


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[(len(v) - 1) * p // 100]


def load_watch(path):
    series = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 3:
            series.setdefault(parts[1], []).append((int(parts[0]), int(parts[2])))
    return series


def reached(series, head, after=0):
    """The first time at or after `after` the series' head is >= head."""
    for t, h in series:
        if t >= after and h >= head:
            return t
    return None


def first_at(series, heads, head):
    """The first time the series' head is >= head (heads never fall)."""
    i = bisect.bisect_left(heads, head)
    return series[i][0] if i < len(series) else None


def lags(series, windows):
    origin = series.get("origin", [])
    every, calm = [], []
    heads = {e: [h for _, h in series.get(e, [])] for e in EDGES}
    for t0, head in origin:
        for e in EDGES:
            t = first_at(series.get(e, []), heads[e], head)
            if t is None:
                continue
            lag = max(0, t - t0)
            every.append(lag)
            if not any(a <= t0 <= b for a, b in windows):
                calm.append(lag)
    return every, calm


def catch_up(series, name, t_from):
    """How long after t_from the edge had the origin's head of t_from."""
    head = max((h for t, h in series.get("origin", []) if t <= t_from),
               default=0)
    had = max((h for t, h in series.get(name, []) if t <= t_from), default=0)
    if had >= head:
        return 0.0
    t = reached(series.get(name, []), head, t_from)
    return None if t is None else (t - t_from) / 1000


def kv(line):
    return dict(f.split("=", 1) for f in line.split() if "=" in f)


def result(path):
    for line in open(path):
        if line.startswith("clients="):
            return kv(line)
    return {}


def figs(r, name, what):
    return "p50 %s ms, p99 %s ms, max %s ms (%s %s)" % (
        r.get(name + "_p50_ms"), r.get(name + "_p99_ms"),
        r.get(name + "_max_ms"), r.get(name + "_n"), what)


def progress_at(path, t):
    """The last progress line at or before t: answers + events."""
    best = None
    for line in open(path):
        f = line.split()
        if len(f) == 4 and int(f[0]) <= t:
            best = int(f[1]) + int(f[2])
    return best


def costs(d, series):
    """CPU per answer (us) at each tier, per commit (ms) upstream."""
    samples = {}
    for line in open(os.path.join(d, "cpu.log")):
        f = line.split()
        if len(f) == 3:
            samples.setdefault(f[1], []).append((int(f[0]), int(f[2])))
    if len(samples.get("lb", [])) != 2:
        return []
    hz = os.sysconf("SC_CLK_TCK")
    (ta, _), (tb, _) = samples["lb"]
    if tb - ta < 3_000_000:
        return []  # a short run: no quiet window before the faults
    used = {g: (v[1][1] - v[0][1]) / hz for g, v in samples.items()}
    answers = {}
    for name in ("lb", "one"):
        a = progress_at(os.path.join(d, "progress-%s.log" % name), ta)
        b = progress_at(os.path.join(d, "progress-%s.log" % name), tb)
        answers[name] = (b - a) if a is not None and b is not None else 0
    commits = sum(1 for t, _ in series.get("origin", []) if ta <= t <= tb)
    rows = [("CPU window (before the faults)",
             "%.1f s: %d answers through HAProxy, %d on one node, %d commits"
             % ((tb - ta) / 1e6, answers["lb"], answers["one"], commits))]
    for g, who, n in (("lb", "HAProxy", answers["lb"]),
                      ("edge-app", "the edges' apps", answers["lb"]),
                      ("edge-nginx", "the edges' nginx", answers["lb"]),
                      ("one-app", "one node's app", answers["one"]),
                      ("one-nginx", "one node's nginx", answers["one"])):
        if n > 0:
            rows.append(("CPU per answer: %s" % who,
                         "%.1f us" % (used[g] * 1e6 / n)))
    for g, who in (("publish", "publish (origin)"),
                   ("replicate", "replicate (each edge)"),
                   ("redis", "the Redis master")):
        if commits > 0:
            per = used[g] / commits / (3 if g == "replicate" else 1)
            rows.append(("CPU per commit: %s" % who, "%.2f ms" % (per * 1e3)))
    return rows


def main():
    (d, failover_ms, publish_ms, repub, seconds, rate, commits, n_lb,
     n_one, stream) = sys.argv[1:11]
    watch, faults, wins = (os.path.join(d, f) for f in
                           ("watch.log", "faults.log", "windows"))
    load_lb, load_one = (os.path.join(d, f) for f in
                         ("load-lb.out", "load-one.out"))
    series = load_watch(watch)
    events = {}
    for line in open(faults):
        t, ev = line.split()
        events.setdefault(ev, int(t))
    windows = [tuple(map(int, line.split())) for line in open(wins)
               if line.strip()]
    every, calm = lags(series, windows)
    lb, one = result(load_lb), result(load_one)
    r = (repub.split() + ["?", "?", "?"])[:3]
    rows = [
        ("run", "%s s feed, %s ticks/s in %s commits/s, %s clients "
         "through HAProxy, %s on one node" % (seconds, rate, commits, n_lb,
                                             n_one)),
        ("replication lag, commit -> applied on an edge (all commits)",
         "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d)" % (
             pct(every, 50) / 1e3, pct(every, 99) / 1e3,
             pct(every, 100) / 1e3, len(every))),
        ("replication lag, outside faults",
         "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d)" % (
             pct(calm, 50) / 1e3, pct(calm, 99) / 1e3, pct(calm, 100) / 1e3,
             len(calm))),
        ("commit -> client through an edge (HAProxy), all",
         figs(lb, "lat", "deliveries")),
        ("commit -> client through an edge (HAProxy), outside faults",
         figs(lb, "calm", "deliveries")),
        ("commit -> client on one node (the origin's app), all",
         figs(one, "lat", "deliveries")),
        ("commit -> client on one node, outside faults",
         figs(one, "calm", "deliveries")),
        ("moved clients: break -> next answer", figs(lb, "resume", "resumed")),
        ("missed / doubled / out of order (HAProxy; one node)",
         "%s / %s / %s; %s / %s / %s" % (
             lb.get("missing"), lb.get("doubled"), lb.get("disorder"),
             one.get("missing"), one.get("doubled"), one.get("disorder"))),
        ("balancer 503s answered (clients retried)", lb.get("s503")),
        ("Sentinel failover: kill -9 -> new master", "%s ms" % failover_ms),
        ("publish on the new master: kill -9 -> first entry",
         "%s ms" % publish_ms),
        ("entries re-published (refused as present; lost by the failover)",
         "%s (%s; %s)" % tuple(r)),
    ]
    for name, start in (("edge1", "edge1-back"), ("edge2", "edge2-cont")):
        if start in events:
            c = catch_up(series, name, events[start])
            rows.append(("%s caught up after %s" % (name, start),
                         "%s ms" % ("?" if c is None else "%.0f" % c)))
    xlen, xmem, ticks = (int(x) for x in stream.split())
    rows.append(("the stream in Redis",
                 "%d entries, %d bytes: %.0f bytes an entry, %.0f a tick"
                 % (xlen, xmem, xmem / xlen, xmem / ticks)))
    rows += costs(d, series)
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print("%-*s  %s" % (width, k, v))


if __name__ == "__main__":
    main()
