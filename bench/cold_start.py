#!/usr/bin/env python3
"""Replica cold start (process start to ready; the user's __init__ is empty) against the sum of a bare
JVM hello-world start and a bare `python3 -c "import json, threading"`, in one run.

Needs a running platform (./runnel up). Deploys a package with an empty function, then starts extra
replica processes of it by hand, as the operator does (same JVM options, the class-data archive the
operator made of the runner), and times each until it says it is ready.
"""
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_roundtrip as platform  # noqa: E402  (the same setup helpers)

ROOT = platform.ROOT
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
# the operator's options for replicas (RunnerArchive.JVM_OPTIONS); the baseline's JVM gets them too
JVM_OPTIONS = ["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"]


def timed(command, env=None, until=None):
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if until is None:
        process.wait()
        return time.perf_counter() - start
    for line in process.stderr:
        if until in line:
            took = time.perf_counter() - start
            process.terminate()
            process.wait(timeout=30)
            return took
    raise RuntimeError("the process ended before saying %r" % until)


def medians_of(runs, fns):
    """The median of each, run in rounds (one of each per round) so that a machine whose load drifts
    during the run weighs on all of them alike."""
    for fn in fns:
        fn()  # warm the file cache once
    times = [[] for _ in fns]
    for _ in range(runs):
        for fn, taken in zip(fns, times):
            taken.append(fn())
    return [statistics.median(taken) for taken in times]


def main():
    bearer, service = platform.deploy_noop("bench-cold")
    spec_file = os.path.join(platform.STATE, "replicas", service["id"], "spec-v1.json")
    for _ in range(120):
        if os.path.exists(spec_file):
            break
        time.sleep(0.5)
    operator_key = open(os.path.join(platform.STATE, "operator.key")).read().strip()
    request = urllib.request.Request(platform.API + "/token", data=json.dumps({"apiKey": operator_key}).encode(),
                                     headers={"Content-Type": "application/json"})
    operator = json.load(urllib.request.urlopen(request))["access_token"]
    credential = platform.call("POST", "/bots/%s/credentials" % service["botUserName"], operator)["key"]
    work = tempfile.mkdtemp()
    env = dict(os.environ, RUNNEL_SPEC_FILE=spec_file, RUNNEL_KAFKA=platform.KAFKA, RUNNEL_API=platform.API,
               RUNNEL_BOT_CREDENTIAL=credential, RUNNEL_WORK_DIR=work,
               RUNNEL_RUNTIME_DIR=os.path.join(ROOT, "sdk/python"))
    jar = os.path.join(ROOT, "runner/target/runnel-runner.jar")
    # the operator makes a class-data archive of the runner after its first replica; start as it does
    archive = None
    for _ in range(120):
        made = glob.glob(os.path.join(platform.STATE, "cds", "runner-*.jsa"))
        if made:
            archive = max(made, key=os.path.getmtime)
            break
        time.sleep(0.5)
    options = ["-XX:SharedArchiveFile=" + archive] if archive else []
    print("class archive: %s" % (archive or "none (the operator made none; timing without)"))
    hello = tempfile.mkdtemp()
    with open(os.path.join(hello, "Hello.java"), "w") as f:
        f.write("public class Hello { public static void main(String[] a) { System.out.println(\"hi\"); } }")
    subprocess.run(["javac", "-d", hello, os.path.join(hello, "Hello.java")], check=True)
    replica, jvm, python = medians_of(RUNS, [
        lambda: timed(["java"] + JVM_OPTIONS + options + ["-jar", jar], env=env, until="] ready"),
        lambda: timed(["java"] + JVM_OPTIONS + ["-cp", hello, "Hello"]),
        lambda: timed(["python3", "-c", "import json, threading"])])
    baseline = jvm + python
    print("replica start to ready      %7.3f s" % replica)
    print("bare JVM hello + bare python %7.3f s  (%.3f + %.3f)" % (baseline, jvm, python))
    print("ratio                        %7.2f   (target <= 2)" % (replica / baseline))
    platform.call("POST", "/services/%s/stop" % service["id"], bearer)


if __name__ == "__main__":
    main()
