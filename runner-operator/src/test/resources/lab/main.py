"""Functions that let the operator's tests look at replicas from the inside."""
import os
import socket
import struct
import threading
import time

import runnel

lock = threading.Lock()
running = 0
most = 0


class ServiceRunner(runnel.BaseServiceRunner):

    def slow(self, seconds):
        time.sleep(seconds)
        return "slept %s" % seconds

    def overlap(self, n):
        global running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.5)
        with lock:
            running -= 1
        return most

    def cooperative(self):
        for _ in range(600):
            self.kill_event()
            time.sleep(0.05)
        return "finished"

    def stubborn(self):
        time.sleep(600)
        return "finished"

    def record(self, ms):
        """Works a while, then writes down that it ran to its end: the fault suite counts runs."""
        time.sleep(ms / 1000.0)
        with open(os.path.join(os.environ["HOME"], "runs.log"), "a") as runs:
            runs.write("done %s\n" % runnel.service.current_execution())
        return "ran"

    def on_item(self, item):
        """What a trigger runs for an item event: works a while and writes down its run, as record does."""
        return self.record(50)

    def big(self, n):
        """An output of n characters."""
        return "x" * n

    def environment(self):
        """What code in a replica can read of its environment."""
        return dict(os.environ)

    def look_around(self, paths, port):
        """What code in a replica can reach of the machine: files, processes, the database."""
        seen = {"uid": os.getuid(), "files": {}}
        for path in paths:
            try:
                with open(path) as f:
                    f.read(1)
                seen["files"][path] = "read"
            except OSError as e:
                seen["files"][path] = "refused: %s" % e.strerror
        seen["processes"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        # PostgreSQL's answer to a start-up message for user postgres: 0 lets it in, anything else asks
        # for a password (10: SCRAM)
        startup = b"user\0postgres\0database\0runnel\0\0"
        message = struct.pack("!ii", 8 + len(startup), 196608) + startup
        with socket.create_connection(("127.0.0.1", port), timeout=5) as db:
            db.sendall(message)
            kind, _, code = struct.unpack("!cii", db.recv(9))
        seen["database"] = {"message": kind.decode(), "authentication": code}
        return seen
