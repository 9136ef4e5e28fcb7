"""Functions that let the operator's tests look at replicas from the inside."""
import os
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

    def environment(self):
        """What code in a replica can read of its environment."""
        return dict(os.environ)
