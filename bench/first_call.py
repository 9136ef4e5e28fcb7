#!/usr/bin/env python3
"""What a user waits for when a service comes back from zero: a sync call of an empty function on a
service with no replica (autoscaler min 0), from the request to its result (the operator sees the
backlog, starts a replica, which starts, joins its consumer group and runs the call), against the
same call on a warm replica, in one run.

Needs a running platform (./runnel up). BENCH_RUNS (default 5) rounds after one that warms the platform.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_roundtrip as platform  # noqa: E402  (the same helpers)

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def status(bearer, service):
    return platform.call("GET", "/services/%s/status" % service, bearer)


def timed_call(bearer, service):
    start = time.perf_counter()
    execution = platform.call("POST", "/executions/%s?wait=true&timeout=60" % service, bearer,
                              {"functionName": "noop", "input": {}})
    took = time.perf_counter() - start
    if execution["latestStatus"]["status"] != "success":
        sys.exit("the call did not succeed: %s" % execution["latestStatus"])
    return took


def until(what, check, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    sys.exit("never happened: " + what)


def main():
    # an autoscaled service with no replica while idle (Active at 0 of 0)
    bearer, deployed = platform.deploy_noop("bench-first-call", runtime={
        "concurrency": 1, "autoscaler": {"minReplicas": 0, "maxReplicas": 1, "queueLength": 1, "cooldownSeconds": 1}})
    service = deployed["id"]
    cold = []
    warm = []
    for run in range(RUNS + 1):  # the first round warms the platform (and the runner's class archive)
        until("scaled to zero", lambda: status(bearer, service)["desiredReplicas"] == 0
              and status(bearer, service)["readyReplicas"] == 0)
        time.sleep(1)  # the stopped replica has left its consumer group
        first = timed_call(bearer, service)
        again = min(timed_call(bearer, service) for _ in range(5))  # the replica that just started
        if run > 0:
            cold.append(first)
            warm.append(again)
    platform.call("POST", "/services/%s/stop" % service, bearer)
    c, w = statistics.median(cold), statistics.median(warm)
    print("first call on a service at zero  %7.3f s  (median of %d: %s)" % (c, RUNS, ", ".join("%.2f" % x for x in cold)))
    print("the same call on a warm replica  %7.3f s" % w)
    print("ratio                            %7.1f" % (c / w))


if __name__ == "__main__":
    main()
