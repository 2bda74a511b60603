"""Fault injection for the HTTP provider stand-ins (twilio_standin.py, whatsapp_standin.py), used by
scripts/chaos.sh. Everything here is off unless asked for, so the stand-ins behave as before.

Random faults on valid send requests (each drawn independently per request, after the request was
checked and before it is accepted):
  --chaos-429 RATE     answer 429 with Retry-After: --chaos-retry-after (seconds, default 1)
  --chaos-500 RATE     answer 500
  --chaos-stall RATE   accept the request and never answer: hold the connection until the client
                       gives up (or --stall-seconds pass), then close it without a reply
A faulted request is not accepted (not counted, no message id, no callbacks): the provider never
took it, so a retry is not a duplicate.

Status callbacks to the sender (signed exactly as the provider signs them):
  --callback-early STATUS   post STATUS for the new message id BEFORE answering the send request
                            (the answer waits for the webhook's reply)
  --callback-late LIST      after answering, post each status of the comma-separated LIST in that
                            order, --callback-delay seconds later (default 1) and 50 ms apart:
                            replays and out-of-order reports, e.g. delivered,sent,delivered,failed
  --callbacks-out FILE      one JSON line per callback: {"id", "to", "status", "phase", "http"}
The same settings are changeable at run time: GET /_control?chaos_429=0.1&chaos_500=0.1&
chaos_stall=0.05&chaos_retry_after=1&callback_early=delivered&callback_late=sent,failed&
callback_delay=1 (an empty value turns a callback mode off). Callbacks go to loopback URLs only.
"""
import heapq
import json
import random
import select
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def add_arguments(p):
    """Adds the chaos options to a stand-in's argument parser."""
    p.add_argument("--chaos-429", type=float, default=0.0)
    p.add_argument("--chaos-500", type=float, default=0.0)
    p.add_argument("--chaos-stall", type=float, default=0.0)
    p.add_argument("--chaos-retry-after", default="1")
    p.add_argument("--stall-seconds", type=float, default=30.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--callback-early", default="")
    p.add_argument("--callback-late", default="")
    p.add_argument("--callback-delay", type=float, default=1.0)
    p.add_argument("--callbacks-out")


class Chaos:
    """Random faults and scheduled callbacks for one stand-in process."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.rate_429 = args.chaos_429
        self.rate_500 = args.chaos_500
        self.rate_stall = args.chaos_stall
        self.retry_after = args.chaos_retry_after
        self.stall_seconds = args.stall_seconds
        self.random = random.Random(args.seed)
        self.early = args.callback_early
        self.late = [s for s in args.callback_late.split(",") if s]
        self.delay = args.callback_delay
        self.out = args.callbacks_out
        self.counts = {"chaos_429": 0, "chaos_500": 0, "chaos_stall": 0, "callbacks": 0, "callbacks_ok": 0}
        self.queue = []  # (due, seq, fn)
        self.seq = 0
        self.wake = threading.Condition(self.lock)
        for _ in range(4):
            threading.Thread(target=self._run_scheduled, daemon=True).start()

    def control(self, query):
        """Applies the chaos keys of a parsed /_control query."""
        with self.lock:
            for key, attr in (("chaos_429", "rate_429"), ("chaos_500", "rate_500"), ("chaos_stall", "rate_stall")):
                if key in query:
                    setattr(self, attr, float(query[key][0] or 0))
            if "chaos_retry_after" in query:
                self.retry_after = query["chaos_retry_after"][0]
            if "callback_early" in query:
                self.early = query["callback_early"][0]
            if "callback_late" in query:
                self.late = [s for s in query["callback_late"][0].split(",") if s]
            if "callback_delay" in query:
                self.delay = float(query["callback_delay"][0])

    def stats(self):
        with self.lock:
            return dict(self.counts)

    def draw(self):
        """None, "429", "500" or "stall" for the next valid request."""
        with self.lock:
            x = self.random.random()
            for fault, rate in (("429", self.rate_429), ("500", self.rate_500), ("stall", self.rate_stall)):
                if x < rate:
                    self.counts["chaos_" + fault] += 1
                    return fault
                x -= rate
            return None

    def stall(self, handler):
        """Never answers: waits until the client closes the connection (or stall_seconds pass)."""
        handler.close_connection = True
        deadline = time.monotonic() + self.stall_seconds
        sock = handler.connection
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                readable, _, _ = select.select([sock], [], [], min(left, 0.5))
                if readable and not sock.recv(65536):
                    return  # the client gave up
            except OSError:
                return

    def post(self, url, body, headers, record):
        """POSTs one callback to a loopback URL and logs the answer; returns the HTTP status (0: no answer)."""
        host = urlsplit(url).hostname or ""
        if host not in LOOPBACK:
            status = -1  # refuse to call anything but loopback
        else:
            request = urllib.request.Request(url, data=body, method="POST", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as e:
                status = e.code
            except (urllib.error.URLError, OSError):
                status = 0
        with self.lock:
            self.counts["callbacks"] += 1
            if 200 <= status < 300:
                self.counts["callbacks_ok"] += 1
            if self.out:
                with open(self.out, "a", encoding="utf-8") as f:
                    f.write(json.dumps(dict(record, http=status)) + "\n")
        return status

    def schedule_late(self, make_callback):
        """Schedules the late callbacks of one message: make_callback(status, index) posts one.

        A message's statuses are posted in order by one job; jobs of different messages run on a
        few threads, so thousands of messages do not wait on one connection.
        """
        with self.lock:
            statuses, delay = list(self.late), self.delay
            if not statuses:
                return
            self.seq += 1

            def job():
                for i, status in enumerate(statuses):
                    if i:
                        time.sleep(0.05)
                    make_callback(status, i)

            heapq.heappush(self.queue, (time.monotonic() + delay, self.seq, job))
            self.wake.notify()

    def _run_scheduled(self):
        while True:
            with self.lock:
                while not self.queue or self.queue[0][0] > time.monotonic():
                    self.wake.wait(None if not self.queue else max(0.0, self.queue[0][0] - time.monotonic()))
                _, _, fn = heapq.heappop(self.queue)
            try:
                fn()
            except Exception:
                pass
