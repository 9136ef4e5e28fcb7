#!/usr/bin/env python3
"""The Kubernetes driver's reconcile loop with BENCH_SERVICES services (default 1,000) on Fabric8's mock
API server (bench/java ReconcileLoop): time to converge against creating the same Deployments bare, a
round with nothing changed, and a change to one service (its writes, and that no other object moved).

Needs the bench jar: mvn -DskipTests install. No running platform.
"""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "bench/java/target/runnel-bench.jar")

if __name__ == "__main__":
    subprocess.run(["java", "-cp", JAR, "dev.runnel.bench.ReconcileLoop", os.environ.get("BENCH_SERVICES", "1000")],
                   check=True)
