"""Child processes of scripts/chaos.sh, each stopped by its PID, and the throw-away PostgreSQL cluster."""
import glob
import os
import re
import select
import signal
import socket
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Procs:
    """Every child process the script starts, so each is stopped by its PID on the way out."""

    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def start(self, argv, out=None, err=None, env=None, port_line=False):
        stdout = subprocess.PIPE if port_line else (open(out, "ab") if out else subprocess.DEVNULL)
        stderr = open(err, "ab") if err else subprocess.DEVNULL
        p = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
        with self.lock:
            self.items.append(p)
        if port_line:
            ready, _, _ = select.select([p.stdout], [], [], 15)
            line = p.stdout.readline().decode().strip() if ready else ""
            if not line.isdigit():
                self.stop(p)
                raise RuntimeError("%s did not announce its port (see %s)" % (os.path.basename(argv[1]), err))
            p.port = int(line)
            threading.Thread(target=lambda: p.stdout.read(), daemon=True).start()
        return p

    def stop(self, p, sig=signal.SIGTERM, wait=10.0):
        """Signals one process by PID and waits for it; SIGKILL when it does not go in time."""
        if p.poll() is None:
            try:
                os.kill(p.pid, sig)
                p.wait(wait)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)
            except ProcessLookupError:
                pass
        return p.returncode

    def stop_all(self):
        with self.lock:
            items = list(self.items)
        for p in reversed(items):
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for p in reversed(items):
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)


class PostgresCluster:
    """A throw-away cluster from scripts/postgres-test-cluster.sh: one database per row."""

    def __init__(self):
        out = subprocess.run([os.path.join(ROOT, "scripts", "postgres-test-cluster.sh"), "start"], cwd=ROOT,
                             check=True, capture_output=True, text=True, timeout=120).stdout
        values = dict(re.findall(r"export (\w+)=(\S+)", out))
        self.dir = values["ACCOLADE_PG_DIR"]
        self.admin = values["ACCOLADE_TEST_POSTGRES_URL"]
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in re.findall(r"\d+", p)])[-1]

    def database(self, name):
        subprocess.run(["psql", self.admin, "-q", "-c", "CREATE DATABASE %s" % name], check=True, capture_output=True, timeout=60)
        return self.admin.rsplit("/", 1)[0] + "/" + name

    def restart(self):
        """pg_ctl restart -m fast (every connection is cut; the server is back when it returns)."""
        # -l: the new postmaster must not inherit our pipes (it would hold them open for ever).
        argv = [os.path.join(self.bin, "pg_ctl"), "-D", os.path.join(self.dir, "data"), "-l", os.path.join(self.dir, "server.log"),
                "-m", "fast", "-w", "-t", "60", "restart"]
        if os.getuid() == 0:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        started = time.monotonic()
        subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90)
        return time.monotonic() - started

    def stop(self):
        subprocess.run([os.path.join(ROOT, "scripts", "postgres-test-cluster.sh"), "stop", self.dir], cwd=ROOT,
                       capture_output=True, timeout=120)
