#!/usr/bin/env python3
"""What the autoscaler reads from Kafka every reconcile round for BENCH_SERVICES autoscaled services
(default 300): their backlogs in one batch against one service at a time (bench/java AutoscalerBacklog).

Needs the bench jar (mvn -DskipTests install) and Kafka on RUNNEL_KAFKA (default localhost:9092, as
./runnel up starts it). Creates BENCH_SERVICES work topics of its own and deletes them at the end.
"""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "bench/java/target/runnel-bench.jar")

if __name__ == "__main__":
    subprocess.run(["java", "-cp", JAR, "dev.runnel.bench.AutoscalerBacklog",
                    os.environ.get("RUNNEL_KAFKA", "localhost:9092"), os.environ.get("BENCH_SERVICES", "300")],
                   check=True)
