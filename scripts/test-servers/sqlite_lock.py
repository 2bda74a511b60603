"""Holds the write lock of a SQLite database, as a backup tool or a `sqlite3` shell would, until
SIGTERM. Prints 0 on the first stdout line once the lock is held (tests read that line the way
they read the other servers' ports)."""
import signal
import sqlite3
import sys
import threading

connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("BEGIN EXCLUSIVE")
print(0, flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
connection.execute("ROLLBACK")
connection.close()
