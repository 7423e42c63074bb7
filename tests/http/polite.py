#!/usr/bin/env python3
"""polite.py: well-behaved API clients, each from its own loopback
address, for tests/http/limits.t.

    polite.py URL CA ADDRS RATE SECONDS

Each address in ADDRS (comma-separated, 127.x.y.z) runs one client on a
kept HTTPS connection (trusting only the CA file CA) that GETs URL RATE
times a second for SECONDS seconds.  Prints one JSON object: requests,
count by status, and the latency p50, p99 and max in milliseconds over
all clients.  Every request is bounded (5 s timeout); the run ends by
itself.
"""
import http.client
import json
import ssl
import sys
import threading
import time
import urllib.parse


def client(url, ctx, addr, rate, seconds, out):
    u = urllib.parse.urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    conn = None
    start = time.monotonic()
    n = 0
    while True:
        due = start + n / rate
        if due >= start + seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        n += 1
        t0 = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPSConnection(
                    u.hostname, u.port, timeout=5, context=ctx,
                    source_address=(addr, 0))
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            status = r.status
        except (OSError, http.client.HTTPException) as e:
            status = "error:" + type(e).__name__
            conn = None
        out.append((status, (time.monotonic() - t0) * 1000.0))


def pct(sorted_ms, p):
    if not sorted_ms:
        return None
    i = min(len(sorted_ms) - 1, int(round(p / 100.0 * len(sorted_ms) + 0.5)) - 1)
    return round(sorted_ms[max(0, i)], 2)


def main():
    url, ca, addrs, rate, seconds = sys.argv[1:6]
    ctx = ssl.create_default_context(cafile=ca)
    out = []
    threads = [threading.Thread(target=client,
                                args=(url, ctx, a, float(rate), float(seconds), out))
               for a in addrs.split(",")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ms = sorted(m for _, m in out)
    status = {}
    for s, _ in out:
        status[str(s)] = status.get(str(s), 0) + 1
    print(json.dumps({"requests": len(out), "status": status,
                      "p50_ms": pct(ms, 50), "p99_ms": pct(ms, 99),
                      "max_ms": round(ms[-1], 2) if ms else None},
                     sort_keys=True))


if __name__ == "__main__":
    main()
