#!/usr/bin/env python3
"""Trigger matching: the in-process matching core with 1, 1,000 and 100,000 triggers against parsing
the same events with Jackson alone (bench/java TriggerMatching), then, with a running platform
(./runnel up), events per second end to end from resource-events to execution-requests.

Needs the bench jar (mvn -DskipTests install); the end-to-end part is skipped when the platform is down.
"""
import io
import os
import subprocess
import sys
import time
import urllib.error
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_roundtrip as platform  # noqa: E402

JAR = os.path.join(platform.ROOT, "bench/java/target/runnel-bench.jar")
EVENTS = os.environ.get("BENCH_EVENTS", "5000")


def deploy_item_service(name):
    """A project with a service whose function run(item) does nothing, Active; returns (token, project, service)."""
    project = platform.call("POST", "/projects", platform.token(), {"name": name})["id"]
    bearer = platform.token()
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("main.py", "import runnel\n\nclass ServiceRunner(runnel.BaseServiceRunner):\n"
                              "    def run(self, item):\n        return None\n")
    codebase = platform.call("POST", "/codebases?projectId=" + project, bearer, code.getvalue(), "application/zip")["id"]
    package = platform.call("POST", "/packages", bearer, {
        "name": name, "projectId": project, "codebase": {"id": codebase},
        "modules": [{"functions": [{"name": "run", "input": [{"name": "item", "type": "Item"}]}]}]})
    service = platform.call("POST", "/services", bearer, {"name": name, "packageId": package["id"],
                                                          "runtime": {"concurrency": 16}})
    for _ in range(120):
        if platform.call("GET", "/services/%s/status" % service["id"], bearer)["status"] == "Active":
            return bearer, project, service
        time.sleep(0.5)
    sys.exit("the bench service never became Active")


def main():
    subprocess.run(["java", "-cp", JAR, "dev.runnel.bench.TriggerMatching"], check=True)
    try:
        platform.token()
    except (urllib.error.URLError, OSError):
        print("platform not running: end-to-end part skipped")
        return
    bearer, project, service = deploy_item_service("bench-triggers")
    platform.call("POST", "/triggers", bearer, {"type": "Event", "name": "all-updates", "spec": {
        "resource": "Item", "actions": ["Updated"], "executionMode": "Always", "filter": {"dir": "/input"},
        "operation": {"serviceId": service["id"], "functionName": "run"}}})
    subprocess.run(["java", "-cp", JAR, "dev.runnel.bench.TriggerMatching", "e2e", platform.KAFKA, project,
                    service["id"], EVENTS], check=True)
    platform.call("POST", "/services/%s/stop" % service["id"], bearer)


if __name__ == "__main__":
    main()
