#!/usr/bin/env python3
"""webhook.py PORT FILE: an Alertmanager webhook receiver on 127.0.0.1:PORT
for tests/monitoring/alert.t.  Appends each POSTed body to FILE, one JSON
document a line, and answers 200.  Runs until killed."""
import http.server
import json
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps(json.loads(body)) + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
