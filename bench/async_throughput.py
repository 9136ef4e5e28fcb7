#!/usr/bin/env python3
"""Async throughput of executions against a raw consume-SQL-produce loop, in one run.

Needs a running platform (./runnel up) and the bench jar (mvn -DskipTests install).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_roundtrip as platform  # noqa: E402

JDBC = "jdbc:postgresql://127.0.0.1:%s/runnel" % os.environ.get("RUNNEL_PG_PORT", "5432")


def main():
    bearer, service = platform.deploy_noop("bench-async", concurrency=16)
    jar = os.path.join(platform.ROOT, "bench/java/target/runnel-bench.jar")
    subprocess.run(["java", "-cp", jar, "dev.runnel.bench.AsyncThroughput", platform.API, bearer, service["id"],
                    "noop", platform.KAFKA, JDBC, os.environ.get("BENCH_EXECUTIONS", "500")], check=True)
    platform.call("POST", "/services/%s/stop" % service["id"], bearer)


if __name__ == "__main__":
    main()
