#!/usr/bin/env python3
"""Sync round trip of an empty function against a raw Kafka two-hop ping-pong, in one run.

Needs a running platform (./runnel up) and the bench jar (mvn -DskipTests install). Deploys a package
with an empty function, waits until its replica is Active, then runs bench/java's SyncRoundTrip.
"""
import io
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.environ.get("RUNNEL_HOME", os.path.join(ROOT, ".runnel"))
API = "http://127.0.0.1:%s/api/v1" % os.environ.get("RUNNEL_GATEWAY_PORT", "8080")
KAFKA = "localhost:%s" % os.environ.get("RUNNEL_KAFKA_PORT", "9092")
JDBC = "jdbc:postgresql://127.0.0.1:%s/runnel" % os.environ.get("RUNNEL_PG_PORT", "5432")
N = os.environ.get("BENCH_REQUESTS", "300")
# round trips each side makes before the timed ones (a new replica compiles its work path over its first ~1000 calls)
WARMUP = os.environ.get("BENCH_WARMUP", "2000")


def token():
    key = open(os.path.join(STATE, "admin.key")).read().strip()
    request = urllib.request.Request(API + "/token", data=json.dumps({"apiKey": key}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["access_token"]


def call(method, path, bearer, body=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    request = urllib.request.Request(API + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + bearer, "Content-Type": content_type})
    return json.load(urllib.request.urlopen(request, timeout=60))


def deploy_noop(name, concurrency=4, runtime=None):
    """A project with a package whose function noop does nothing, deployed and Active; returns (token, service).
    runtime, when given, is the service's whole runtime (concurrency is then ignored)."""
    project = call("POST", "/projects", token(), {"name": name})["id"]
    bearer = token()
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("main.py", "import runnel\n\nclass ServiceRunner(runnel.BaseServiceRunner):\n"
                              "    def noop(self):\n        return None\n")
    codebase = call("POST", "/codebases?projectId=" + project, bearer, code.getvalue(), "application/zip")["id"]
    package = call("POST", "/packages", bearer, {"name": name, "projectId": project, "codebase": {"id": codebase},
                                                 "modules": [{"functions": [{"name": "noop", "input": []}]}]})
    service = call("POST", "/services", bearer, {"name": name, "packageId": package["id"],
                                                 "runtime": runtime or {"concurrency": concurrency}})
    for _ in range(120):
        if call("GET", "/services/%s/status" % service["id"], bearer)["status"] == "Active":
            return bearer, service
        time.sleep(0.5)
    sys.exit("the bench service never became Active")


def main():
    bearer, service = deploy_noop("bench-noop")
    jar = os.path.join(ROOT, "bench/java/target/runnel-bench.jar")
    subprocess.run(["java", "-jar", jar, API, bearer, service["id"], "noop", KAFKA, N, WARMUP,
                    os.path.join(ROOT, "sdk/python"), JDBC], check=True)
    call("POST", "/services/%s/stop" % service["id"], bearer)


if __name__ == "__main__":
    main()
