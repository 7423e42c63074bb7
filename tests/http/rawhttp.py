#!/usr/bin/env python3
"""rawhttp.py PORT REQUEST [HEADER...]: sends REQUEST to 127.0.0.1:PORT as
bytes (Python escapes: \\r \\n \\x01; "{N*c}" expands to N copies of c, for
requests past a server's buffers), reads one answer and prints it
normalised: the status code, then "name: value" for each HEADER asked
(lower-case, in the order asked; absent ones left out), a blank line, the
body.  The body ends at Content-Length, or at the close of the
connection; a chunked one is decoded.  Exit 1 when no answer came."""
import re
import socket
import sys


def expand(text):
    raw = text.encode("latin-1").decode("unicode_escape").encode("latin-1")
    return re.sub(rb"\{(\d+)\*(.)\}",
                  lambda m: m.group(2) * int(m.group(1)), raw)


def read_answer(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    want = headers.get("content-length")
    while want is None or len(body) < int(want):
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        body += chunk
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = dechunk(body)
    return lines[0], headers, body


def dechunk(data):
    out = b""
    while True:
        size, _, rest = data.partition(b"\r\n")
        n = int(size.split(b";")[0] or b"0", 16)
        if n == 0:
            return out
        out += rest[:n]
        data = rest[n + 2:]


def main():
    port, request, asked = int(sys.argv[1]), expand(sys.argv[2]), sys.argv[3:]
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(request)
    except OSError:
        pass  # the server may refuse before it has read everything
    try:
        status, headers, body = read_answer(sock)
    except OSError:
        status, headers, body = "", {}, b""
    sock.close()
    fields = status.split(" ")
    if len(fields) < 2:
        return 1
    out = fields[1] + "\n"
    out += "".join("%s: %s\n" % (h, headers[h]) for h in asked
                   if h in headers)
    sys.stdout.buffer.write(out.encode("latin-1") + b"\n" + body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
