#!/usr/bin/env python3
"""Cost of authentication: the same authenticated read against registry-service with authentication
switched off, in one run.

Needs a running platform (./runnel up). Starts a second registry-service with
RUNNEL_AUTH_ENABLED=false on another port (same database), makes a service to read, then reads
GET /services/{id} from several threads on both, in interleaved rounds. Prints requests per second
of each and the ratio authenticated / unauthenticated (target: at least 0.8). Standard library only.
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
import io

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.environ.get("RUNNEL_HOME", os.path.join(ROOT, ".runnel"))
GATEWAY = "http://127.0.0.1:%s/api/v1" % os.environ.get("RUNNEL_GATEWAY_PORT", "8080")
AUTH_PORT = int(os.environ.get("RUNNEL_REGISTRY_PORT", "8081"))
OPEN_PORT = int(os.environ.get("BENCH_OPEN_PORT", "8091"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def call(method, path, token, body=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    request = urllib.request.Request(GATEWAY + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
    return json.load(urllib.request.urlopen(request, timeout=30))


def token():
    key = open(os.path.join(STATE, "admin.key")).read().strip()
    request = urllib.request.Request(GATEWAY + "/token", data=json.dumps({"apiKey": key}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=10))["access_token"]


def fixture():
    project = call("POST", "/projects", token(), {"name": "bench"})["id"]
    fresh = token()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("main.py", "class ServiceRunner:\n    def run(self, item):\n        return item\n")
        z.writestr("bench.txt", str(time.time()))
    codebase = call("POST", "/codebases?projectId=" + project, fresh, buffer.getvalue(), "application/zip")["id"]
    package = call("POST", "/packages", fresh, {"name": "bench", "projectId": project, "codebase": {"id": codebase}})
    service = call("POST", "/services", fresh, {"name": "bench", "packageId": package["id"]})
    return fresh, service["id"]


def start_open_registry():
    env = dict(os.environ, RUNNEL_AUTH_ENABLED="false", QUARKUS_HTTP_PORT=str(OPEN_PORT),
               RUNNEL_DB_URL="jdbc:postgresql://127.0.0.1:%s/runnel" % os.environ.get("RUNNEL_PG_PORT", "5432"),
               RUNNEL_KAFKA="localhost:%s" % os.environ.get("RUNNEL_KAFKA_PORT", "9092"),
               RUNNEL_DB_PASSWORD=open(os.path.join(STATE, "pg.password")).read().strip(),
               RUNNEL_KAFKA_USERNAME="registry-service",
               RUNNEL_KAFKA_PASSWORD=open(os.path.join(STATE, "kafka", "registry-service.password")).read().strip())
    log = open(os.path.join(STATE, "logs", "bench-open-registry.log"), "w")
    process = subprocess.Popen(["java", "-Xmx384m", "-XX:+UseSerialGC", "-jar",
                                os.path.join(ROOT, "registry-service/target/quarkus-app/quarkus-run.jar")],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            if urllib.request.urlopen("http://127.0.0.1:%d/q/health/ready" % OPEN_PORT, timeout=1).status == 200:
                return process
        except Exception:
            time.sleep(0.25)
    process.kill()
    sys.exit("the unauthenticated registry did not start; see " + log.name)


def load(port, path, headers):
    per_thread = REQUESTS // THREADS
    errors = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(per_thread):
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        sys.exit("unexpected statuses: %s" % sorted(set(errors)))
    return per_thread * THREADS / elapsed


def main():
    bearer, service = fixture()
    path = "/api/v1/services/" + service
    open_registry = start_open_registry()
    try:
        authenticated = {"Authorization": "Bearer " + bearer}
        load(AUTH_PORT, path, authenticated)  # warm up both
        load(OPEN_PORT, path, {})
        with_auth, without = [], []
        for _ in range(ROUNDS):
            with_auth.append(load(AUTH_PORT, path, authenticated))
            without.append(load(OPEN_PORT, path, {}))
        a, o = statistics.median(with_auth), statistics.median(without)
        print("GET /services/{id}, %d threads, %d requests x %d rounds (medians)" % (THREADS, REQUESTS, ROUNDS))
        print("  authenticated     %8.0f req/s" % a)
        print("  auth switched off %8.0f req/s" % o)
        print("  ratio             %8.2f   (target >= 0.80)" % (a / o))
    finally:
        open_registry.terminate()
        open_registry.wait(timeout=20)


if __name__ == "__main__":
    main()
