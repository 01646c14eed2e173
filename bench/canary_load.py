"""Load for `breachwatch canary listen` (see bench/canary.sh).

Loopback only, bounded in count and time: opens N idle sessions, measures
the listener's RSS, then sends M mails over C connections per phase.
Standard library only.
"""

import argparse
import asyncio
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def reply(r):
    while True:
        line = await r.readline()
        if not line:
            raise ConnectionError("closed")
        if line[3:4] != b"-":
            return line


async def cmd(r, w, text):
    w.write(text.encode() + b"\r\n")
    await w.drain()
    return await reply(r)


async def idle_session(port, opened, hold):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    await reply(r)
    await cmd(r, w, "EHLO idle")
    opened.append(w)
    await hold.wait()
    w.close()


async def sender(port, n, rcpt, body, done):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    await reply(r)
    await cmd(r, w, "EHLO load")
    for i in range(n):
        await cmd(r, w, "MAIL FROM:<load@bench.example>")
        await cmd(r, w, f"RCPT TO:<{rcpt(i)}>")
        await cmd(r, w, "DATA")
        w.write(body(i))
        res = await reply(r)
        if res.startswith(b"250"):
            done.append(1)
    await cmd(r, w, "QUIT")
    w.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--sessions", type=int, default=10000)
    p.add_argument("--mails", type=int, default=5000)
    p.add_argument("--conns", type=int, default=50)
    p.add_argument("--canary", required=True)
    p.add_argument("--domain", required=True)
    a = p.parse_args()

    base = rss_kb(a.pid)
    hold = asyncio.Event()
    opened = []
    t0 = time.time()
    tasks = []
    for i in range(a.sessions):
        tasks.append(asyncio.create_task(idle_session(a.port, opened, hold)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    deadline = time.time() + 60
    while len(opened) < a.sessions and time.time() < deadline:
        await asyncio.sleep(0.1)
    held = rss_kb(a.pid)
    # A fresh client while they are all open.
    ok = []
    t1 = time.time()
    await sender(a.port, 1, lambda i: a.canary,
                 lambda i: b"Subject: while busy\r\n\r\nhello\r\n.\r\n", ok)
    print(f"sessions: {len(opened)} of {a.sessions} open in {time.time() - t0:.1f}s; "
          f"listener RSS {base} kB idle -> {held} kB with them open "
          f"({(held - base) / max(len(opened), 1):.1f} kB/session); "
          f"a fresh client's mail {'accepted' if ok else 'FAILED'} in {time.time() - t1:.2f}s")
    hold.set()
    for t in tasks:
        if not t.done():
            t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(0.5)

    per = max(a.mails // a.conns, 1)
    for name, rcpt in [
        ("unknown addresses (counted only)", lambda i: f"nobody{i}@{a.domain}"),
        ("canary address (sighting recorded before 250)", lambda i: a.canary),
    ]:
        done = []
        t = time.time()
        await asyncio.gather(*[
            sender(a.port, per, rcpt,
                   lambda i, c=c: f"Subject: m {c}-{i}\r\nX-N: {c}-{i}\r\n\r\nbody {c} {i}\r\n.\r\n".encode(),
                   done)
            for c in range(a.conns)
        ])
        secs = time.time() - t
        print(f"mail to {name}: {len(done)} of {per * a.conns} accepted in {secs:.2f}s = "
              f"{len(done) / secs:.0f} mails/s over {a.conns} connections; "
              f"listener RSS {rss_kb(a.pid)} kB")


asyncio.run(main())
