#!/usr/bin/python3
"""A loopback SMTP sink that misbehaves on purpose, for fault-injection runs (scripts/chaos.sh).

Usage: /usr/bin/python3 smtp_faulty.py --log FILE [--port 0] [--fault-rate 0.2]
                                       [--faults 421,451-rcpt,451-data,drop-rcpt,drop-data]
                                       [--delay-ms N] [--tls-cert FILE [--tls-key FILE]] [--seed N]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT (plain
asyncio, no dependencies).

Every message it accepts (answered 250 after the final dot) is appended to --log as one JSON line
{"rcpt": [...], "mail_from", "message_id", "bytes", "connection", "t"} and flushed before the 250 goes out, so a
client that saw 250 finds its line. A message it refused or dropped is NOT logged: a server that
never said 250 has not taken responsibility for it (RFC 5321 §4.1.1.4), so a retry is not a
duplicate. Counters go to --log + ".stats" on exit and on demand (SIGUSR1).

Faults, drawn per message (per MAIL transaction) with probability --fault-rate from --faults:
  421        answer MAIL with "421 4.3.2 Service shutting down" and close the connection
  451-rcpt   answer RCPT with "451 4.3.0 Try again later"
  451-data   read the whole message, then answer "451 4.3.0 Try again later" (not logged)
  drop-rcpt  close the connection instead of answering RCPT
  drop-data  read the whole message, then close without any reply (not logged)
--delay-ms holds every final reply that long (deliveries stay in flight: graceful-shutdown tests).
--tls-cert offers STARTTLS with that PEM certificate chain and --tls-key (or, without --tls-key, the
key in the same file). The files are read again at every STARTTLS, so replacing them on disk switches
certificates without a restart; one file holding both, replaced by a rename, switches atomically.
"""
import argparse
import asyncio
import json
import os
import random
import re
import signal
import ssl
import sys
import time

FAULTS = ("421", "451-rcpt", "451-data", "drop-rcpt", "drop-data")


class Sink:
    def __init__(self, args):
        self.log = open(args.log, "a", encoding="utf-8", buffering=1)
        self.stats_path = args.log + ".stats"
        self.fault_rate = args.fault_rate
        self.faults = [f for f in args.faults.split(",") if f]
        unknown = set(self.faults) - set(FAULTS)
        if unknown:
            sys.exit("smtp_faulty: unknown fault %s (known: %s)" % (sorted(unknown)[0], ",".join(FAULTS)))
        self.delay = args.delay_ms / 1000.0
        self.cert = args.tls_cert
        self.key = args.tls_key
        self.random = random.Random(args.seed)
        self.stats = {"connections": 0, "transactions": 0, "accepted": 0, "tls": 0, "tls_failed": 0}
        for f in FAULTS:
            self.stats["fault_" + f] = 0

    def draw(self):
        if self.faults and self.random.random() < self.fault_rate:
            fault = self.random.choice(self.faults)
            self.stats["fault_" + fault] += 1
            return fault
        return None

    def tls_context(self):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key or None)
        return context

    def write_stats(self):
        with open(self.stats_path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(self.stats, f)
        os.replace(self.stats_path + ".tmp", self.stats_path)


MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


async def session(sink, reader, writer):
    sink.stats["connections"] += 1
    connection = sink.stats["connections"]

    def send(text):
        writer.write(text.encode() + b"\r\n")

    tls = False
    mail_from, rcpts, fault = None, [], None
    try:
        send("220 faulty.test ESMTP")
        await writer.drain()
        while True:
            line = await reader.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                mail_from, rcpts, fault = None, [], None
                if verb == "HELO":
                    send("250 faulty.test")
                else:
                    lines = ["faulty.test", "8BITMIME", "SIZE 10485760"]
                    if sink.cert and not tls:
                        lines.append("STARTTLS")
                    send("\r\n".join(("250-" if i < len(lines) - 1 else "250 ") + l for i, l in enumerate(lines)))
            elif verb == "STARTTLS" and sink.cert and not tls:
                try:
                    context = sink.tls_context()
                except (OSError, ssl.SSLError) as e:
                    send("454 4.7.0 TLS not available: %s" % e)
                    await writer.drain()
                    continue
                send("220 2.0.0 Ready to start TLS")
                await writer.drain()
                try:
                    await writer.start_tls(context)
                except (ssl.SSLError, ConnectionError, OSError):
                    sink.stats["tls_failed"] += 1  # e.g. the client refused our certificate
                    return
                sink.stats["tls"] += 1
                tls = True
                mail_from, rcpts, fault = None, [], None
                continue
            elif verb == "MAIL":
                sink.stats["transactions"] += 1
                fault = sink.draw()
                if fault == "421":
                    send("421 4.3.2 Service shutting down (injected)")
                    await writer.drain()
                    return
                mail_from, rcpts = command[5:].strip(), []
                send("250 2.1.0 Ok")
            elif verb == "RCPT":
                if fault == "drop-rcpt":
                    return
                if fault == "451-rcpt":
                    send("451 4.3.0 Try again later (injected)")
                else:
                    m = re.search(r"<([^>]*)>", command)
                    rcpts.append(m.group(1) if m else command[3:].strip())
                    send("250 2.1.5 Ok")
            elif verb == "DATA":
                if not rcpts:
                    send("503 5.5.1 No valid recipients")
                    await writer.drain()
                    continue
                send("354 End data with <CR><LF>.<CR><LF>")
                await writer.drain()
                body = bytearray()
                while True:
                    chunk = await reader.readline()
                    if not chunk:
                        return
                    if chunk == b".\r\n":
                        break
                    body += chunk
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                if fault == "drop-data":
                    return
                if fault == "451-data":
                    send("451 4.3.0 Try again later (injected)")
                else:
                    m = MESSAGE_ID.search(bytes(body))
                    sink.log.write(json.dumps({
                        "rcpt": rcpts, "mail_from": mail_from, "message_id": m.group(1).decode("ascii", "replace") if m else None,
                        "bytes": len(body), "connection": connection, "t": round(time.time(), 3)}) + "\n")
                    sink.stats["accepted"] += 1
                    send("250 2.0.0 Ok: queued as F%d" % sink.stats["accepted"])
                mail_from, rcpts, fault = None, [], None
            elif verb == "RSET":
                mail_from, rcpts, fault = None, [], None
                send("250 2.0.0 Ok")
            elif verb == "NOOP":
                send("250 2.0.0 Ok")
            elif verb == "QUIT":
                send("221 2.0.0 Bye")
                await writer.drain()
                return
            else:
                send("502 5.5.2 Command not recognized")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    if args.tls_key and not args.tls_cert:
        sys.exit("smtp_faulty: --tls-key needs --tls-cert")
    sink = Sink(args)
    server = await asyncio.start_server(lambda r, w: session(sink, r, w), host=args.host, port=args.port)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, sink.write_stats)
    await stop.wait()
    server.close()
    sink.write_stats()
    sink.log.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
