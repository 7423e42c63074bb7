#!/usr/bin/env python3
"""sse_read.py PORT TARGET BLOCKS SECONDS: opens a server-sent event
stream (GET TARGET over HTTP/1.0 to 127.0.0.1:PORT, so the body is not
chunked) and prints, as each arrives, the status code and Content-Type on
one line, then each of the first BLOCKS blocks of the body (the bytes up
to and including a blank line) preceded by a line "@MS", the wall clock
in ms when its last byte arrived.  Gives up after SECONDS in all; exit 1
when fewer blocks came."""
import socket
import sys
import time


def main():
    port, target = int(sys.argv[1]), sys.argv[2]
    want, limit = int(sys.argv[3]), time.monotonic() + float(sys.argv[4])
    sock = socket.create_connection(("127.0.0.1", port), timeout=1)
    sock.sendall(b"GET " + target.encode() + b" HTTP/1.0\r\nHost: t\r\n"
                 b"Accept: text/event-stream\r\n\r\n")
    data, head, got = b"", None, 0
    while got < want and time.monotonic() < limit:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        data += chunk
        if head is None and b"\r\n\r\n" in data:
            head, data = data.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            ctype = [l.split(":", 1)[1].strip() for l in lines[1:]
                     if l.lower().startswith("content-type:")]
            print(lines[0].split(" ")[1], ctype[0] if ctype else "",
                  flush=True)
        while head is not None and got < want and b"\n\n" in data:
            block, data = data.split(b"\n\n", 1)
            got += 1
            sys.stdout.write("@%d\n" % int(time.time() * 1000))
            sys.stdout.write(block.decode("utf-8") + "\n\n")
            sys.stdout.flush()
    sock.close()
    return 0 if got == want else 1


if __name__ == "__main__":
    sys.exit(main())
