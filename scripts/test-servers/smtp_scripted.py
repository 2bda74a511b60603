#!/usr/bin/python3
"""Scripted loopback SMTP server for fault tests (plain asyncio, no dependencies).

Usage: /usr/bin/python3 smtp_scripted.py [--port 0] [--script JSON] [--silent] [--log FILE]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT.
--script maps a stage to a list of replies used once each, in order, across all connections;
when a stage's list is empty the normal reply is sent. Stages:
  GREETING, EHLO, MAIL, RCPT, DATA (reply to the DATA command, normally 354),
  END (reply after the message's final dot, normally 250).
Example: --script '{"RCPT": ["451 4.7.1 Try again later"]}' fails the first RCPT only.
--silent accepts connections and never says anything (client timeouts).
--log appends one line per event: "CONNECT", "<command line>", "MESSAGE <bytes>".
"""
import argparse
import asyncio
import json
import signal
import sys

DEFAULTS = {
    "GREETING": "220 scripted.test ESMTP",
    "EHLO": "250-scripted.test\r\n250-8BITMIME\r\n250 SIZE 10485760",
    "HELO": "250 scripted.test",
    "MAIL": "250 2.1.0 Ok",
    "RCPT": "250 2.1.5 Ok",
    "DATA": "354 End data with <CR><LF>.<CR><LF>",
    "END": "250 2.0.0 Ok: queued as S{n}",
    "RSET": "250 2.0.0 Ok",
    "NOOP": "250 2.0.0 Ok",
    "QUIT": "221 2.0.0 Bye",
}


class Script:
    def __init__(self, script, log):
        self.script = {k.upper(): list(v) for k, v in script.items()}
        self.log_path = log
        self.messages = 0

    def reply(self, stage):
        queue = self.script.get(stage)
        if queue:
            return queue.pop(0)
        return DEFAULTS[stage].replace("{n}", str(self.messages))

    def log(self, line):
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")


async def session(script, silent, reader, writer):
    script.log("CONNECT")
    if silent:
        try:
            await reader.read()  # hold the connection open until the client gives up
        finally:
            writer.close()
        return

    def send(text):
        writer.write(text.encode() + b"\r\n")

    try:
        greeting = script.reply("GREETING")
        send(greeting)
        if not greeting.startswith("2"):
            await writer.drain()
            return
        while True:
            line = await reader.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            script.log(command)
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                send(script.reply(verb))
            elif verb == "DATA":
                reply = script.reply("DATA")
                send(reply)
                if reply.startswith("354"):
                    await writer.drain()
                    body = bytearray()
                    while True:
                        chunk = await reader.readline()
                        if not chunk:
                            return
                        if chunk == b".\r\n":
                            break
                        body += chunk
                    script.messages += 1
                    script.log("MESSAGE %d" % len(body))
                    send(script.reply("END"))
            elif verb == "QUIT":
                send(script.reply("QUIT"))
                await writer.drain()
                return
            else:
                send("502 5.5.2 Command not recognized")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--script", default="{}")
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--log")
    args = parser.parse_args()
    script = Script(json.loads(args.script), args.log)
    server = await asyncio.start_server(
        lambda r, w: session(script, args.silent, r, w), host=args.host, port=args.port
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
