#!/usr/bin/python3
"""A FastCGI client for tests: talks to the app's socket the way nginx
does (FastCGI 1.0: BEGIN_REQUEST, PARAMS, empty PARAMS, empty STDIN),
with or without FCGI_KEEP_CONN, and reads the answer up to END_REQUEST.

Run as a script it reads commands, one per line, from stdin and prints
one line per answer, so that a shell test drives several connections:

    open NAME                    connect to the socket (argv[1])
    send NAME KEEP URI           KEEP 1/0; URI is path?query; GET
    recv NAME                    prints "NAME STATUS BODY" (one line)
    eof NAME                     prints "NAME eof" when the app closed
                                 the connection within 2 s, else
                                 "NAME open"
    close NAME
"""
import socket
import struct
import sys

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER, KEEP_CONN = 1, 1


def record(rtype, rid, content=b""):
    pad = -len(content) % 8
    return struct.pack(">BBHHBx", 1, rtype, rid, len(content), pad) + \
        content + b"\0" * pad


def pair(name, value):
    out = b""
    for s in (name, value):
        n = len(s)
        out += bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return out + name + value


def request(uri, keep, rid=1):
    path, _, query = uri.partition("?")
    params = b"".join(pair(k.encode(), v.encode()) for k, v in (
        ("REQUEST_METHOD", "GET"), ("REQUEST_URI", uri),
        ("QUERY_STRING", query), ("CONTENT_LENGTH", ""),
        ("SCRIPT_NAME", path)))
    return (record(BEGIN_REQUEST, rid,
                   struct.pack(">HB5x", RESPONDER, KEEP_CONN if keep else 0))
            + record(PARAMS, rid, params) + record(PARAMS, rid)
            + record(STDIN, rid))


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        got = sock.recv(n - len(buf))
        if not got:
            raise EOFError
        buf += got
    return buf


def response(sock):
    """The STDOUT bytes of one request, read up to its END_REQUEST."""
    out = b""
    while True:
        _, rtype, _, clen, plen = struct.unpack(">BBHHBx",
                                                read_exact(sock, 8))
        content = read_exact(sock, clen + plen)[:clen]
        if rtype == STDOUT:
            out += content
        elif rtype == END_REQUEST:
            return out


def status_body(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    status = "200"
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"status:"):
            status = line.split()[1].decode()
    return status, body.decode()


def main():
    path = sys.argv[1]
    conns = {}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        cmd, name = words[0], words[1]
        try:
            if cmd == "open":
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(path)
                conns[name] = s
            elif cmd == "send":
                conns[name].sendall(request(words[3], words[2] == "1"))
            elif cmd == "recv":
                st, body = status_body(response(conns[name]))
                print(name, st, body, flush=True)
            elif cmd == "eof":
                conns[name].settimeout(2)
                try:
                    got = conns[name].recv(1)
                    print(name, "eof" if not got else "data", flush=True)
                except socket.timeout:
                    print(name, "open", flush=True)
            elif cmd == "close":
                conns.pop(name).close()
        except (OSError, EOFError) as e:
            print(name, "error", type(e).__name__, flush=True)


if __name__ == "__main__":
    main()
