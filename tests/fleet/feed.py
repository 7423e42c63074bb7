#!/usr/bin/env python3
"""tests/fleet/feed.py FILE SECONDS RATE COMMITS: the fleet test's live feed.

Appends RATE ticks a second to FILE (CSV, header first), in COMMITS
writes a second, each one write(2) of RATE/COMMITS lines, so that the
origin's `tickfeed-ingest --follow` stores each in one commit.  Ticks
carry the wall clock as ts and a seq, so every line is one tick even when
read twice (the ingest tool restarted reads its file again).  Prints the
number of ticks written."""
import os
import random
import sys
import time

SYMBOLS = ["AAPL", "MSFT", "TSLA", "SPY", "EURUSD", "USDJPY", "GOOG", "AMZN"]


def main():
    path, seconds, rate, commits = sys.argv[1], float(sys.argv[2]), \
        int(sys.argv[3]), int(sys.argv[4])
    per = max(1, rate // commits)
    rng = random.Random(15)
    price = {s: 100.0 + 10 * i for i, s in enumerate(SYMBOLS)}
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if os.fstat(fd).st_size == 0:
        os.write(fd, b"symbol,ts,price,size,seq\n")
    seq, start = 0, time.monotonic()
    n = int(seconds * commits)
    for k in range(n):
        lines = []
        for _ in range(per):
            s = rng.choice(SYMBOLS)
            price[s] = max(1.0, price[s] + rng.choice((-0.01, 0.01, 0.02)))
            seq += 1
            lines.append("%s,%d,%.2f,%d,%d\n" % (
                s, time.time() * 1000, price[s], rng.randint(1, 500), seq))
        os.write(fd, "".join(lines).encode())
        delay = start + (k + 1) / commits - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    os.close(fd)
    print(seq)


if __name__ == "__main__":
    main()
