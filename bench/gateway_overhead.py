#!/usr/bin/env python3
"""Gateway overhead: the same calls through the gateway and straight to registry-service.

Needs a running platform (./runnel up). Prints the time of each side and the ratio
gateway / direct (1.0 = no overhead). Standard library only.
"""
import hashlib
import http.client
import io
import json
import os
import statistics
import sys
import time
import zipfile

GATEWAY = ("127.0.0.1", int(os.environ.get("RUNNEL_GATEWAY_PORT", "8080")))
DIRECT = ("127.0.0.1", int(os.environ.get("RUNNEL_REGISTRY_PORT", "8081")))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
UPLOADS = int(os.environ.get("BENCH_UPLOADS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def small_requests(target):
    conn = http.client.HTTPConnection(*target)
    start = time.perf_counter()
    for _ in range(REQUESTS):
        conn.request("GET", "/api/v1/packages?projectId=bench&pageSize=10")
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
    conn.close()
    return time.perf_counter() - start


def uploads(target, zips):
    conn = http.client.HTTPConnection(*target)
    start = time.perf_counter()
    for data in zips:
        conn.request("POST", "/api/v1/codebases", body=data, headers={"Content-Type": "application/zip"})
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status in (200, 201), body
        assert body["sha256"] == hashlib.sha256(data).hexdigest()
    conn.close()
    return time.perf_counter() - start


def make_zip(seed):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("main.py", "class ServiceRunner:\n    pass\n")
        z.writestr("weights.bin", os.urandom(8 * 1024 * 1024 - 1024) + seed.to_bytes(8, "big"))
    return buffer.getvalue()


def compare(name, measure):
    measure(GATEWAY)  # warm up both paths
    measure(DIRECT)
    direct, gateway = [], []
    for _ in range(ROUNDS):  # interleaved so that drift hits both sides
        direct.append(measure(DIRECT))
        gateway.append(measure(GATEWAY))
    d, g = statistics.median(direct), statistics.median(gateway)
    print(f"{name:<34} direct {d:8.3f} s   gateway {g:8.3f} s   ratio {g / d:5.2f}")


def main():
    compare(f"{REQUESTS} GET /packages", small_requests)
    seed = [0]

    def fresh_uploads(target):
        # new bytes each time, so both sides validate and store instead of finding a duplicate
        zips = []
        for _ in range(UPLOADS):
            seed[0] += 1
            zips.append(make_zip(seed[0] + int(time.time())))
        return uploads(target, zips)

    compare(f"{UPLOADS} uploads of 8 MiB", fresh_uploads)


if __name__ == "__main__":
    sys.exit(main())
