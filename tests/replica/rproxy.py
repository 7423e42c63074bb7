#!/usr/bin/env python3
"""A TCP proxy in front of Redis for the replication tests: the faults a
real network and a real failover cause, on demand and exactly once.

    rproxy.py PORT DIR      listens on 127.0.0.1:PORT, writes DIR/proxy.pid

Control files in DIR, looked at every 20 ms:
    upstream    the Redis port new connections go to (read at each accept)
    drop_xadd   present: the next XADD is forwarded, Redis's reply to it
                swallowed and both sides closed (a reply lost after the
                command took effect); then the file is removed and
                DIR/dropped written
    cut         present: every connection is closed now (then removed)
"""
import asyncio
import os
import sys

PORT, DIR = int(sys.argv[1]), sys.argv[2]
pairs = set()


def path(name):
    return os.path.join(DIR, name)


def take(name):
    """Removes the control file name; True when it was there."""
    try:
        os.unlink(path(name))
        return True
    except FileNotFoundError:
        return False


async def handle(cr, cw):
    try:
        with open(path("upstream")) as f:
            up = int(f.read())
        ur, uw = await asyncio.open_connection("127.0.0.1", up)
    except (OSError, ValueError):
        cw.close()
        return
    pair = (cw, uw)
    pairs.add(pair)
    state = {"xadd": False}

    async def c2s():
        while True:
            data = await cr.read(65536)
            if not data:
                break
            if b"XADD" in data and take("drop_xadd"):
                state["xadd"] = True
            uw.write(data)
            await uw.drain()

    async def s2c():
        while True:
            data = await ur.read(65536)
            if not data:
                break
            if state["xadd"]:
                with open(path("dropped"), "w") as f:
                    f.write("1\n")
                break
            cw.write(data)
            await cw.drain()

    done, pending = await asyncio.wait(
        [asyncio.ensure_future(c2s()), asyncio.ensure_future(s2c())],
        return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()
    cw.close()
    uw.close()
    pairs.discard(pair)


async def control():
    while True:
        if take("cut"):
            for cw, uw in list(pairs):
                cw.close()
                uw.close()
        await asyncio.sleep(0.02)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT)
    with open(path("proxy.pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    async with server:
        await asyncio.gather(server.serve_forever(), control())


asyncio.run(main())
