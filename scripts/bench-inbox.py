#!/usr/bin/python3
"""Inbox benchmark client (stdlib only), run by scripts/bench-inbox.sh against one `accolade serve`.

Phases, each printing its figures:
  1. feed   — seeds `feed_recipients` feeds with `feed_items` items each through
              POST /v1/messages/batch, waits until the worker wrote them, then runs wrk against
              GET /v1/inbox/items?limit=<feed_items> with a different recipient's token per request
              (and GET /healthz after it, a yardstick for how busy the machine was).
  2. connect — opens `clients` SSE streams (GET /v1/inbox/stream) in waves; server RSS before and
              after, per-stream memory, then the server's CPU while the streams sit idle.
  3. rewards — sends `rewards` rewards (POST /v1/messages, channels [inbox], to.id = a random one of
              the clients' recipients) at `rate`/s; for each, the time from its 202 to its `item`
              event at the client; every event checked: no loss, no duplicate, per-recipient
              sequences 1, 2, 3 … and the last `counts` event agreeing.
Tokens are HS256 JWTs signed here with the configured secret (what a CRM backend does).
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import random
import re
import resource
import subprocess
import sys
import time

# ---------------------------------------------------------------- small helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(secret: str, subject: str, lifetime: int = 4 * 3600) -> str:
    """An inbox token as any JWT library makes it: HS256, claims sub/iat/exp."""
    now = int(time.time())
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64url(json.dumps({"sub": subject, "iat": now, "exp": now + lifetime}, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}"
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 (1-based) of the whole line; after "pid (comm)" they are 12, 13.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def say(text=""):
    print(text, flush=True)


# ---------------------------------------------------------------- HTTP/1.1 over asyncio streams


class HTTPError(Exception):
    pass


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise HTTPError(f"bad status line {lines[0]!r}")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


async def read_body(reader, headers):
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return bytes(body)
            body += await reader.readexactly(size + 2)
            del body[-2:]
    return await reader.readexactly(int(headers.get("content-length", "0")))


class Connection:
    """One keep-alive connection for request/response calls."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method, path, headers=None, body=None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = b"" if body is None else body
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(data)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        status, response_headers = await read_head(self.reader)
        payload = await read_body(self.reader, response_headers)
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


# ---------------------------------------------------------------- SSE client


class Dechunker:
    """Incremental decoder of a chunked HTTP body."""

    def __init__(self):
        self.buffer = bytearray()
        self.remaining = -1  # bytes of the current chunk still to come; -1 = expecting a size line
        self.done = False

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        out = bytearray()
        while True:
            if self.remaining < 0:
                end = self.buffer.find(b"\r\n")
                if end < 0:
                    break
                size = int(bytes(self.buffer[:end]).split(b";")[0] or b"0", 16)
                del self.buffer[: end + 2]
                if size == 0:
                    self.done = True
                    break
                self.remaining = size + 2  # the chunk and its CRLF
            take = min(self.remaining, len(self.buffer))
            if take == 0:
                break
            out += self.buffer[:take]
            del self.buffer[:take]
            self.remaining -= take
            if self.remaining == 0:
                del out[-2:]
                self.remaining = -1
        return bytes(out)


class Stream:
    """One EventSource-like client: records every event with the time it arrived."""

    def __init__(self, recipient, token):
        self.recipient, self.token = recipient, token
        self.items = []  # (sequence, message_id, arrival monotonic time)
        self.counts = None  # last counts event
        self.counts_events = 0
        self.retry = None
        self.other = []  # token-expired and unknown events
        self.status = None
        self.error = None
        self.ended = False
        self.writer = None
        self.task = None

    async def open(self, host, port, path):
        """Connects and reads the response head; the body is read by run()."""
        reader, writer = await asyncio.open_connection(host, port)
        self.writer = writer
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
                f"Authorization: Bearer {self.token}\r\n\r\n"
            ).encode()
        )
        self.status, headers = await read_head(reader)
        if self.status != 200:
            body = await asyncio.wait_for(read_body(reader, headers), 5)
            self.error = f"HTTP {self.status}: {body[:200].decode(errors='replace')}"
            writer.close()
            return False
        self.chunked = headers.get("transfer-encoding", "").lower() == "chunked"
        self.task = asyncio.ensure_future(self.run(reader))
        return True

    async def run(self, reader):
        decoder = Dechunker() if self.chunked else None
        text = ""
        try:
            while True:
                data = await reader.read(65536)
                now = time.monotonic()
                if not data:
                    break
                if decoder is not None:
                    data = decoder.feed(data)
                text += data.decode()
                if "\r" in text:
                    text = text.replace("\r\n", "\n")
                while "\n\n" in text:
                    block, text = text.split("\n\n", 1)
                    self.event(block, now)
                if decoder is not None and decoder.done:
                    break
        except (ConnectionError, asyncio.IncompleteReadError) as e:
            self.error = f"stream broke: {e!r}"
        except asyncio.CancelledError:
            return
        self.ended = True

    def event(self, block, now):
        name, data, event_id = "message", [], None
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
            elif field == "id":
                event_id = value
            elif field == "retry":
                self.retry = int(value)
        if not data:
            return
        payload = json.loads("\n".join(data))
        if name == "item":
            self.items.append((payload["sequence"], payload["message_id"], now, event_id))
        elif name == "counts":
            self.counts = payload
            self.counts_events += 1
        else:
            self.other.append((name, payload))

    def close(self):
        if self.task is not None:
            self.task.cancel()
        if self.writer is not None:
            self.writer.close()


# ---------------------------------------------------------------- the benchmark


class Bench:
    def __init__(self, args):
        self.args = args
        m = re.match(r"http://([^:/]+):(\d+)", args.base_url)
        self.host, self.port = m.group(1), int(m.group(2))
        self.pid = args.server_pid
        self.summary = []

    def api_headers(self):
        return {"Authorization": f"Bearer {self.args.api_token}", "Content-Type": "application/json"}

    def reward(self, recipient):
        return {
            "template": "reward-earned",
            "channels": ["inbox"],
            "to": {"id": recipient, "name": "Ana Putri", "locale": "id-ID"},
            "data": {
                "program": "Kudos Awards",
                "reward": {"voucher": {"amount": 50000, "currency": "IDR"}, "code": "RW-7Q2K", "expires_on": "2026-12-31"},
            },
        }

    # ---------------- phase 1: the feed API

    async def feed(self):
        a = self.args
        if a.feed_recipients <= 0:
            return
        say(f"== feed: GET /v1/inbox/items, {a.feed_recipients} recipients x {a.feed_items} items ==")
        recipients = [f"bench-feed-{i:04d}" for i in range(a.feed_recipients)]
        messages = [self.reward(r) for r in recipients for _ in range(a.feed_items)]
        conn = Connection(self.host, self.port)
        started = time.monotonic()
        for i in range(0, len(messages), 1000):
            status, body = await conn.request(
                "POST", "/v1/messages/batch", self.api_headers(), json.dumps({"messages": messages[i : i + 1000]}).encode()
            )
            if status != 202:
                raise SystemExit(f"bench-inbox: seeding the feeds: POST /v1/messages/batch answered {status}: {body[:300]!r}")
        tokens = {r: mint(a.secret, r) for r in recipients}
        pending = set(recipients)
        while pending and time.monotonic() - started < 120:
            for r in list(pending):
                status, body = await conn.request("GET", "/v1/inbox/items?limit=1", {"Authorization": f"Bearer {tokens[r]}"})
                if status != 200:
                    raise SystemExit(f"bench-inbox: GET /v1/inbox/items with a token signed here: {status} {body[:300]!r}")
                if json.loads(body)["unread_count"] >= a.feed_items:
                    pending.discard(r)
            if pending:
                await asyncio.sleep(0.2)
        if pending:
            raise SystemExit(f"bench-inbox: {len(pending)} feeds still short of {a.feed_items} items after 120 s")
        seeded = time.monotonic() - started
        path = f"/v1/inbox/items?limit={a.feed_items}"
        status, body = await conn.request("GET", path, {"Authorization": f"Bearer {tokens[recipients[0]]}"})
        sample = json.loads(body)
        conn.close()
        say(
            f"seeded {len(messages)} items in {seeded:.1f} s (batch enqueue + worker); one answer: "
            f"{len(body)} bytes, {len(sample['items'])} items"
        )
        lua = os.path.join(a.work, "feed.lua")
        with open(lua, "w") as f:
            f.write("local tokens = {\n")
            for r in recipients:
                f.write(f'  "Bearer {tokens[r]}",\n')
            f.write("}\nlocal i = 0\n")
            f.write(
                "request = function()\n  i = i + 1\n"
                f'  return wrk.format("GET", "{path}", {{["Authorization"] = tokens[i % #tokens + 1]}})\nend\n'
            )
        url = f"http://{self.host}:{self.port}{path}"
        # Warm-up, then the measured run.
        subprocess.run(["wrk", "-t1", "-c8", "-d2s", "-s", lua, url], check=True, capture_output=True)
        cpu_before = cpu_seconds(self.pid)
        out = subprocess.run(
            ["wrk", f"-t{a.feed_threads}", f"-c{a.feed_connections}", f"-d{a.feed_duration}", "--latency", "-s", lua, url],
            check=True, capture_output=True, text=True,
        ).stdout
        cpu = cpu_seconds(self.pid) - cpu_before
        say(out.rstrip())
        rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        non2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s*(\d+)", out))
        errors = re.search(r"Socket errors:.*", out)
        lat = {p: re.search(rf"^\s*{p}%\s+(\S+)", out, re.M).group(1) for p in ("50", "99")}
        self.summary.append(
            f"feed:      {rps:,.0f} req/s GET /v1/inbox/items ({rps * len(sample['items']):,.0f} items/s, "
            f"{len(sample['items'])} a page), p50 {lat['50']}, p99 {lat['99']}, {a.feed_connections} connections, "
            f"non-2xx {non2xx}{', ' + errors.group(0) if errors else ''}  (target >= 10,000 req/s)"
        )
        # A yardstick for a shared machine: the same server and wrk settings on the cheapest route.
        out = subprocess.run(
            ["wrk", f"-t{a.feed_threads}", f"-c{a.feed_connections}", "-d3s", f"http://{self.host}:{self.port}/healthz"],
            check=True, capture_output=True, text=True,
        ).stdout
        healthz = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
        say(f"yardstick: GET /healthz {healthz:,.0f} req/s with the same wrk settings, just after")
        self.summary.append(
            f"           server CPU {cpu * 1e6 / max(requests, 1):.0f} µs a request; GET /healthz {healthz:,.0f} req/s just after (yardstick)"
        )

    # ---------------- phase 2: streams

    async def connect(self):
        a = self.args
        say(f"== streams: {a.clients} SSE clients in waves of {a.wave} ==")
        probe = Stream("bench-probe", mint(a.secret, "bench-probe"))
        try:
            opened = await asyncio.wait_for(probe.open(self.host, self.port, "/v1/inbox/stream"), 10)
        except Exception as e:  # noqa: BLE001 - report whatever went wrong
            opened, probe.error = False, repr(e)
        if not opened:
            self.summary.append(f"streams:   GET /v1/inbox/stream unavailable ({probe.error}); stream phases skipped")
            say(f"GET /v1/inbox/stream unavailable: {probe.error}")
            return None
        probe.close()
        await asyncio.sleep(0.2)
        rss_before = rss_kib(self.pid)
        recipients = [f"bench-user-{i:05d}" for i in range(a.clients)]
        streams = [Stream(r, mint(a.secret, r)) for r in recipients]
        failed = []
        started = time.monotonic()
        for i in range(0, len(streams), a.wave):
            wave = streams[i : i + a.wave]
            results = await asyncio.gather(
                *(asyncio.wait_for(s.open(self.host, self.port, "/v1/inbox/stream"), 30) for s in wave), return_exceptions=True
            )
            for s, r in zip(wave, results):
                if r is not True:
                    failed.append(s)
                    s.error = s.error or repr(r)
            if time.monotonic() > self.deadline:
                raise SystemExit("bench-inbox: deadline reached while connecting")
        connect_time = time.monotonic() - started
        # Let the server settle (first counts events written, buffers allocated).
        await asyncio.sleep(1.0)
        open_streams = [s for s in streams if s not in failed]
        waiting = [s for s in open_streams if s.counts is None]
        rss_after = rss_kib(self.pid)
        say(
            f"connected {len(open_streams)}/{a.clients} in {connect_time:.1f} s ({len(open_streams) / connect_time:,.0f}/s); "
            f"{len(failed)} failed; {len(waiting)} without their first counts event yet"
        )
        for s in failed[:5]:
            say(f"  failed: {s.recipient}: {s.error}")
        per_stream = (rss_after - rss_before) / max(1, len(open_streams))
        say(f"server RSS {mib(rss_before)} before the streams, {mib(rss_after)} with them: {per_stream:.1f} KiB a stream")
        # Idle CPU: the streams open, nothing sent (heartbeats and the change watcher only).
        c0, u0, t0 = cpu_seconds(self.pid), resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        await asyncio.sleep(a.idle_seconds)
        c1, u1, t1 = cpu_seconds(self.pid), resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        idle = (c1 - c0) / (t1 - t0) * 100
        client_idle = ((u1.ru_utime + u1.ru_stime) - (u0.ru_utime + u0.ru_stime)) / (t1 - t0) * 100
        dropped = [s for s in open_streams if s.ended or s.error]
        say(f"idle for {t1 - t0:.0f} s: server CPU {idle:.1f}% of one core (client {client_idle:.1f}%); {len(dropped)} streams ended")
        self.summary.append(
            f"streams:   {len(open_streams)}/{a.clients} open (connected in {connect_time:.1f} s), {len(failed)} refused/failed"
        )
        self.summary.append(
            f"RSS:       {mib(rss_before)} before the streams, {mib(rss_after)} with {len(open_streams)} open "
            f"({per_stream:.1f} KiB a stream)  (target < 200 MB with 5,000)"
        )
        self.summary.append(f"idle:      server CPU {idle:.1f}% of one core over {t1 - t0:.0f} s with the streams open")
        self.streams_failed = failed
        return open_streams

    # ---------------- phase 3: rewards

    async def rewards(self, streams):
        a = self.args
        say(f"== rewards: {a.rewards} to random recipients at {a.rate:g}/s over {a.senders} connections ==")
        rng = random.Random(a.seed)
        by_recipient = {s.recipient: s for s in streams}
        targets = [rng.choice(streams).recipient for _ in range(a.rewards)]
        sent = {}  # message id -> (recipient, t_202)
        refused = []
        send_latency = []
        next_index = 0
        started = time.monotonic() + 0.05

        async def sender():
            nonlocal next_index
            conn = Connection(self.host, self.port)
            while next_index < len(targets):
                i = next_index
                next_index += 1
                delay = started + i / a.rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                body = json.dumps(self.reward(targets[i])).encode()
                t_send = time.monotonic()
                status, answer = await conn.request("POST", "/v1/messages", self.api_headers(), body)
                t_202 = time.monotonic()
                if status != 202:
                    refused.append((status, answer[:200]))
                    continue
                sent[json.loads(answer)["id"]] = (targets[i], t_202)
                send_latency.append(t_202 - t_send)
            conn.close()

        rss_peak = rss_kib(self.pid)
        cpu0 = cpu_seconds(self.pid)
        await asyncio.gather(*(sender() for _ in range(a.senders)))
        send_time = time.monotonic() - started
        # Wait for every accepted reward's event (bounded).
        wait_until = min(self.deadline, time.monotonic() + a.wait)
        while time.monotonic() < wait_until:
            received = sum(len(s.items) for s in streams)
            rss_peak = max(rss_peak, rss_kib(self.pid))
            if received >= len(sent):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # late duplicates and the trailing counts events
        cpu = cpu_seconds(self.pid) - cpu0
        rss_after = rss_kib(self.pid)

        latencies, missing, duplicates, wrong, unexpected, negative = [], 0, 0, 0, 0, 0
        gaps, counts_wrong = 0, 0
        seen = {}
        for s in streams:
            sequences = [seq for seq, _, _, _ in s.items]
            if sequences != list(range(1, len(sequences) + 1)):
                gaps += 1
            if any(str(seq) != event_id for seq, _, _, event_id in s.items):
                gaps += 1
            if s.items and (s.counts is None or s.counts.get("last_sequence") != len(s.items)):
                counts_wrong += 1
            for seq, message_id, t, _ in s.items:
                if message_id in seen:
                    duplicates += 1
                    continue
                seen[message_id] = (s.recipient, t)
        for message_id, (recipient, t_202) in sent.items():
            got = seen.get(message_id)
            if got is None:
                missing += 1
                continue
            if got[0] != recipient:
                wrong += 1
            latency = got[1] - t_202
            if latency < 0:
                negative += 1
                latency = 0.0
            latencies.append(latency)
        unexpected = sum(1 for m in seen if m not in sent)
        latencies.sort()
        send_latency.sort()
        ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
        say(
            f"sent {len(sent)} accepted, {len(refused)} refused in {send_time:.1f} s ({len(sent) / send_time:,.0f}/s); "
            f"202 p50 {ms(percentile(send_latency, 50))}, p99 {ms(percentile(send_latency, 99))}"
        )
        for status, answer in refused[:3]:
            say(f"  refused: {status} {answer!r}")
        say(
            f"events: {len(seen)} distinct item events for {len(sent)} accepted rewards; missing {missing}, duplicates {duplicates}, "
            f"to the wrong recipient {wrong}, unexpected {unexpected}; recipients with a sequence gap/disorder {gaps}, "
            f"whose last counts event disagrees {counts_wrong}; {negative} events read before their 202"
        )
        if latencies:
            say(
                f"202 -> item event: p50 {ms(percentile(latencies, 50))}, p90 {ms(percentile(latencies, 90))}, "
                f"p99 {ms(percentile(latencies, 99))}, max {ms(latencies[-1])}"
            )
        ended = [s for s in streams if s.ended or s.error]
        say(f"server RSS after the rewards {mib(rss_after)} (peak seen {mib(rss_peak)}); server CPU {cpu:.1f} s; {len(ended)} streams ended")
        within = sum(1 for v in latencies if v <= 1.0)
        self.summary.append(
            f"latency:   202 -> item event p50 {ms(percentile(latencies, 50))}, p99 {ms(percentile(latencies, 99))}, "
            f"max {ms(latencies[-1]) if latencies else 'n/a'}; {within}/{len(latencies)} within 1 s"
            f"  ({len(sent)} rewards at {a.rate:g}/s)"
        )
        self.summary.append(
            f"events:    {len(seen)}/{len(sent)} received; missing {missing}, duplicates {duplicates}, wrong recipient {wrong}, "
            f"sequence gaps {gaps}, counts mismatches {counts_wrong}"
        )
        self.summary.append(f"RSS:       {mib(rss_after)} after the rewards (peak seen {mib(rss_peak)})")
        self.ok = missing == 0 and duplicates == 0 and wrong == 0 and gaps == 0 and unexpected == 0 and not refused

    async def main(self):
        a = self.args
        self.deadline = time.monotonic() + a.deadline
        self.ok = True
        rss_start = rss_kib(self.pid)
        say(f"server pid {self.pid}: RSS {mib(rss_start)} at start")
        self.summary.append(f"RSS:       {mib(rss_start)} at start")
        await self.feed()
        if a.clients > 0:
            streams = await self.connect()
            if streams:
                if a.rewards > 0:
                    await self.rewards(streams)
                for s in streams:
                    s.close()
        say()
        say("== summary ==")
        for line in self.summary:
            say(line)
        return 0 if self.ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base-url", required=True)
    p.add_argument("--api-token", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--clients", type=int, default=5000)
    p.add_argument("--wave", type=int, default=250)
    p.add_argument("--idle-seconds", type=float, default=15)
    p.add_argument("--rewards", type=int, default=1000)
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--senders", type=int, default=8)
    p.add_argument("--wait", type=float, default=30)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--feed-recipients", type=int, default=100)
    p.add_argument("--feed-items", type=int, default=20)
    p.add_argument("--feed-duration", default="10s")
    p.add_argument("--feed-connections", type=int, default=64)
    p.add_argument("--feed-threads", type=int, default=2)
    p.add_argument("--deadline", type=float, default=600)
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.clients + args.senders + 256
    if soft < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, soft)), hard))
        except (ValueError, OSError) as e:
            say(f"bench-inbox: cannot raise the open-file limit to {need}: {e}")
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < need:
        say(f"bench-inbox: open files limited to {soft} (hard {hard}); {args.clients} clients need about {need}")
    sys.exit(asyncio.run(Bench(args).main()))


if __name__ == "__main__":
    main()
