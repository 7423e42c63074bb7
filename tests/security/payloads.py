#!/usr/bin/env python3
"""Hostile requests against a running tickfeed behind a web server.

    payloads.py BASE_URL

Sends every endpoint SQL-ish and path-ish payloads in every parameter (as
values and as keys), in the path, in the Last-Event-ID header, and with
methods that would write.  Prints one line a group, "GROUP SENT BAD", then
one line a bad answer.  An answer to a request on /api/v1/ is good when it
is a 4xx whose body is exactly the API's error object; a path outside the
API must be a 4xx that shows neither a database nor a system file.
"""
import http.client
import json
import sys
import urllib.parse

ENDPOINTS = ["symbols", "quotes", "ticks", "candles", "poll", "stream",
             "health", "metrics"]
PARAMS = ["symbol", "symbols", "since", "from", "to", "limit", "interval",
          "timeout", "last_event_id", "sql"]
REQUIRED = {"ticks": "symbol=AAPL", "candles": "symbol=AAPL"}
PAYLOADS = [
    "' OR '1'='1", "AAPL' OR 1=1--", "AAPL'; DROP TABLE ticks;--",
    "1; DELETE FROM ticks", "1 OR 1=1", "0 UNION SELECT sql FROM sqlite_master",
    'AAPL") OR ("a"="a', "1); ATTACH DATABASE '/tmp/x.db' AS x;--",
    "AAPL,MSFT'--", "-1", "9223372036854775808", "1e3", "0x10", " 1",
    "AAPL;PRAGMA query_only=0", "%27%20OR%201=1", "AAPL\x00.db",
    "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd",
    "/var/lib/tickfeed/ticks.db", "file:ticks.db?mode=rw",
    "AAPL/../../ticks.db", "C:\\windows\\win.ini", "<script>alert(1)</script>",
    "$(touch /tmp/tickfeed-pwned)", "AAPL\r\nX-Injected: yes", "A" * 3000,
]
PATHS = [
    "/api/v1/../../ticks.db", "/api/v1/%2e%2e/%2e%2e/etc/passwd",
    "/api/v1/symbols/../../../etc/passwd", "/api/v1/symbols%00.db",
    "/api/v1/symbols;DROP%20TABLE%20ticks", "/api/v1/'%20OR%201=1",
    "/api/v1/ticks.db", "/api/v1//symbols/..%2f..%2fticks.db",
    "/api/v1/%2e%2e%2f%2e%2e%2fvar/lib/tickfeed/ticks.db",
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
    "/ticks.db", "/tickfeed.db", "/app.log", "/error.log",
    "/cgi-bin/tickfeed.fcgi", "/conf/nginx/tickfeed-site.conf",
    "/.git/config", "/api/v2/symbols", "/api/v1/", "/api/v1/sqlite_master",
]
WRITE_METHODS = ["POST", "PUT", "DELETE", "PATCH"]
LEAKS = [b"SQLite format 3", b"root:x:0:0", b"CREATE TABLE", b"INSERT INTO"]


def fetch(u, method, path, headers=None, body=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    try:
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
            c.putheader("Content-Type", "text/plain")
        c.endheaders(body)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def api_error(status, body):
    """True when this is a 4xx carrying exactly the API's error object."""
    if not 400 <= status < 500:
        return False
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    e = doc.get("error") if isinstance(doc, dict) else None
    return (list(doc) == ["error"] and isinstance(e, dict) and
            sorted(e) == ["code", "message"] and
            all(isinstance(v, str) and v for v in e.values()))


def leaks(body):
    return any(s in body for s in LEAKS)


class Run:
    def __init__(self, base):
        self.u = urllib.parse.urlsplit(base)
        self.groups = {}
        self.bad = []

    def check(self, group, method, path, ok_fn, headers=None, body=None):
        sent, nbad = self.groups.get(group, (0, 0))
        try:
            status, got = fetch(self.u, method, path, headers, body)
        except (OSError, http.client.HTTPException) as e:
            status, got = 0, str(e).encode()
        good = ok_fn(status, got) and not leaks(got)
        if not good:
            self.bad.append("%s %s %s -> %d %r" % (group, method, path,
                                                   status, got[:160]))
        self.groups[group] = (sent + 1, nbad + (0 if good else 1))


def q(s):
    return urllib.parse.quote(s, safe="")


def main():
    run = Run(sys.argv[1])
    for ep in ENDPOINTS:
        for p in PARAMS:
            for v in PAYLOADS:
                qs = "%s=%s" % (q(p), q(v))
                if ep in REQUIRED and p != "symbol":
                    qs = REQUIRED[ep] + "&" + qs
                run.check("value:" + ep, "GET", "/api/v1/%s?%s" % (ep, qs),
                          api_error)
        for v in PAYLOADS:
            run.check("key:" + ep, "GET", "/api/v1/%s?%s=1" % (ep, q(v)),
                      api_error)
            run.check("raw:" + ep, "GET", "/api/v1/%s?symbols=%s" % (
                ep, urllib.parse.quote(v, safe="'=;,()/:$<>%")), api_error)
        for m in WRITE_METHODS:
            run.check("method:" + ep, m, "/api/v1/%s?symbols=AAPL" % ep,
                      api_error, body=b"DELETE FROM ticks; DROP TABLE ticks;")
    for v in ["1; DELETE FROM ticks", "' OR 1=1--", "../../ticks.db", "-1",
              "99999999999999999999"]:
        run.check("header:stream", "GET", "/api/v1/stream?symbols=AAPL",
                  api_error, headers={"Last-Event-ID": v})
    for path in PATHS:
        if path.startswith("/api/v1/"):
            run.check("path:api", "GET", path,
                      lambda s, b: 400 <= s < 500)
        else:
            run.check("path:static", "GET", path, lambda s, b: 400 <= s < 500)
    for g in sorted(run.groups):
        print(g, *run.groups[g])
    for b in run.bad:
        print("BAD", b)


if __name__ == "__main__":
    main()
