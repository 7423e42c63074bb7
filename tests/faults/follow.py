#!/usr/bin/env python3
"""A long-poll follower for the fault tests and the soak.

    follow.py URL SYMBOLS SINCE STOPFILE OUT [DEADLINE]

Polls URL/api/v1/poll?symbols=SYMBOLS&since=CURSOR&timeout=2 from SINCE
on, as a careful client does: on 200 it records every tick id and moves to
the answer's cursor; on anything else it keeps its cursor and asks again
after a short pause.  It stops once STOPFILE exists and holds a cursor the
follower has reached (the last id to wait for), or gives up (exit 1)
DEADLINE seconds (default 120) after its start.  OUT gets the ids
received, one a line; the last line of stdout counts the answers by status
and the answers that were not the API's JSON.
"""
import http.client
import json
import os
import sys
import time
import urllib.parse


def main():
    url, symbols, since, stopfile, out = sys.argv[1:6]
    deadline = time.monotonic() + float(sys.argv[6] if len(sys.argv) > 6
                                        else 120)
    late = False
    u = urllib.parse.urlsplit(url)
    cursor = int(since)
    statuses, not_json, ids = {}, 0, []
    while True:
        if time.monotonic() > deadline:
            late = True
            break
        if os.path.exists(stopfile):
            with open(stopfile) as f:
                last = f.read().strip()
            if last and cursor >= int(last):
                break
        q = urllib.parse.urlencode({"symbols": symbols, "since": cursor,
                                    "timeout": 2})
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
            c.request("GET", "/api/v1/poll?" + q)
            r = c.getresponse()
            status, body = r.status, r.read()
            c.close()
        except (OSError, http.client.HTTPException):
            status, body = 0, b""
        statuses[status] = statuses.get(status, 0) + 1
        try:
            doc = json.loads(body)
        except ValueError:
            not_json += 1
            time.sleep(0.1)
            continue
        if status != 200:
            if "error" not in doc:
                not_json += 1
            time.sleep(0.1)
            continue
        ids.extend(t["id"] for t in doc["ticks"])
        cursor = doc["cursor"]
    with open(out, "w") as f:
        f.write("".join("%d\n" % i for i in ids))
    print(" ".join("%s:%d" % kv for kv in sorted(statuses.items())),
          "not_json:%d" % not_json, "deadline" if late else "")
    return 1 if late else 0


if __name__ == "__main__":
    sys.exit(main())
