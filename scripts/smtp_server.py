#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd, from PyPI) for breachwatch's notify tests.

It accepts mail on 127.0.0.1:PORT and appends one JSON line per accepted
message to --log (message_id, recipients, size), flushed before the 250 reply
is sent, so the log is exactly what the server acknowledged. Failure modes for
bad-input tests:
  --greylist          answer 451 to the first delivery attempt of each Message-ID
  --reject SUBSTR     answer 550 to RCPT TO addresses containing SUBSTR
  --drop-data N       drop the connection after receiving DATA, without a reply,
                      for the first N messages (the client cannot know the fate)
  --with-text         add each message's text/plain part, decoded by Python's
                      email package, to its log line ("text"): for tests that
                      read what a customer would
Prints "READY" on stdout once listening; runs until killed.
"""
import argparse
import email
import email.policy
import json
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, args):
        self.args = args
        self.log = open(args.log, "a", buffering=1)
        self.seen = set()
        self.dropped = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.reject and self.args.reject in address:
            return "550 5.1.1 <%s>: Recipient address rejected: user unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or b""
        mid = None
        for line in content.split(b"\r\n"):
            if not line:
                break
            if line[:11].lower() == b"message-id:":
                mid = line[11:].strip().decode("ascii", "replace")
        with self.lock:
            if self.args.drop_data and self.dropped < self.args.drop_data:
                self.dropped += 1
                server.transport.close()
                return "421 4.4.2 dropped"
            if self.args.greylist and mid not in self.seen:
                self.seen.add(mid)
                return "451 4.7.1 Greylisted, try again later"
            entry = {
                "message_id": mid,
                "recipients": envelope.rcpt_tos,
                "size": len(content),
                "at": time.time(),
            }
            if self.args.with_text:
                msg = email.message_from_bytes(content, policy=email.policy.default)
                body = msg.get_body(preferencelist=("plain",))
                entry["text"] = body.get_content() if body is not None else None
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()
        return "250 2.0.0 Ok: queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--greylist", action="store_true")
    p.add_argument("--reject", default="")
    p.add_argument("--drop-data", type=int, default=0)
    p.add_argument("--with-text", action="store_true")
    args = p.parse_args()
    ctl = Controller(Recorder(args), hostname="127.0.0.1", port=args.port,
                     decode_data=False, data_size_limit=33554432)
    ctl.start()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        ctl.stop()


if __name__ == "__main__":
    sys.exit(main())
