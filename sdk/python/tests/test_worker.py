"""The worker process as the runner agent drives it: real python3 processes, real codebases."""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

SDK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CODE = textwrap.dedent('''
    import logging
    import threading
    import time

    import runnel

    logger = logging.getLogger(__name__)
    lock = threading.Lock()
    running = 0
    most = 0


    class ServiceRunner(runnel.BaseServiceRunner):

        def __init__(self, greeting="hello"):
            self.greeting = greeting

        def run(self, item: runnel.Item):
            return {"item_id": item.id, "name": item.json.get("name") if item.json else None,
                    "greeting": self.greeting}

        def detect(self, item, progress: runnel.Progress):
            for percent in (4, 7, 9, 30, 80, 100):
                progress.update(status="inProgress", progress=percent)
            return "detected"

        def broken(self):
            raise ValueError("bad image")

        def chatty(self, context):
            print("hello from", context.execution_id)
            logger.info("trigger was %s", context.trigger_id)
            print("no newline at the end", end="")
            return context.event.resource if context.event else None

        def chained(self, context):
            return context.event_extensions()

        def overlap(self, n: int):
            global running, most
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.3)
            with lock:
                running -= 1
            return most

        def long(self):
            for _ in range(200):
                self.kill_event()
                time.sleep(0.05)
            return "finished"
''')


class WorkerProcess:
    """A worker with a codebase, and the messages it sends."""

    def __init__(self, code=CODE, concurrency=2, init=None, init_message=None):
        """With ``init_message``, the worker starts without arguments and init names what to load (as
        the runner does); otherwise the command line names it."""
        self.dir = tempfile.mkdtemp()
        with open(os.path.join(self.dir, "main.py"), "w") as f:
            f.write(code)
        env = dict(os.environ, PYTHONPATH=SDK)
        command = [sys.executable, "-m", "runnel.worker"]
        if init_message is None:
            command += ["--codebase", self.dir, "--concurrency", str(concurrency)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env)
        self.messages = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        message = {"type": "init", "initParams": init or {}}
        if init_message is not None:
            message.update({key: value.replace("{dir}", self.dir) if isinstance(value, str) else value
                            for key, value in init_message.items()})
        self.send(message)

    def _read(self):
        for line in self.process.stdout:
            with self.cond:
                self.messages.append(json.loads(line))
                self.cond.notify_all()

    def send(self, message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def call(self, execution_id, function, input=None, types=None, **extra):
        self.send(dict({"type": "call", "executionId": execution_id, "attempt": 1, "function": function,
                        "input": input or {}, "inputTypes": types or {}}, **extra))

    def wait_for(self, predicate, timeout=10):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                found = [m for m in self.messages if predicate(m)]
                if found:
                    return found[0]
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise AssertionError("no such message; got %s; stderr: %s" % (self.messages, self._stderr()))
                self.cond.wait(remaining)

    def result(self, execution_id):
        return self.wait_for(lambda m: m["type"] == "result" and m["executionId"] == execution_id)

    def of(self, execution_id, kind):
        with self.cond:
            return [m for m in self.messages if m.get("executionId") == execution_id and m["type"] == kind]

    def _stderr(self):
        if self.process.poll() is None:
            return "(running)"
        return self.process.stderr.read()

    def close(self):
        if self.process.poll() is None:
            self.send({"type": "shutdown"})
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class WorkerTest(unittest.TestCase):

    def setUp(self):
        self.worker = WorkerProcess(init={"greeting": "hi"})
        self.worker.wait_for(lambda m: m["type"] == "ready")

    def tearDown(self):
        self.worker.close()

    def test_init_params_and_entity_inputs(self):
        event = {"resource": "Item", "action": "Created", "resourceId": "i-1", "body": {"id": "i-1", "name": "cat.jpg"}}
        self.worker.call("e1", "run", {"item": {"item_id": "i-1"}}, {"item": "Item"}, event=event)
        result = self.worker.result("e1")
        self.assertEqual("success", result["status"])
        self.assertEqual({"item_id": "i-1", "name": "cat.jpg", "greeting": "hi"}, result["output"])

    def test_ping_answers_pong(self):
        self.worker.call("e-ping", "ping")
        self.assertEqual("pong", self.worker.result("e-ping")["output"])

    def test_progress_is_sent_in_steps_of_five(self):
        self.worker.call("e2", "detect", {"item": "i-2"}, {"item": "Item"})
        self.assertEqual("detected", self.worker.result("e2")["output"])
        sent = [m["percentComplete"] for m in self.worker.of("e2", "status")]
        self.assertEqual([4, 9, 30, 80, 100], sent)  # the seed: 4 applies, 7 does not, 9 does

    def test_an_exception_fails_with_its_traceback(self):
        self.worker.call("e3", "broken")
        result = self.worker.result("e3")
        self.assertEqual("failed", result["status"])
        self.assertEqual("ValueError", result["error"]["type"])
        self.assertIn("bad image", result["error"]["message"])
        self.assertIn("in broken", result["error"]["traceback"])

    def test_prints_and_logs_go_to_the_execution_log_and_context_is_passed(self):
        self.worker.call("e4", "chatty", triggerId="t-9", event={"resource": "Dataset", "action": "Updated"})
        self.assertEqual("Dataset", self.worker.result("e4")["output"])
        lines = [m["message"] for m in self.worker.of("e4", "log")]
        self.assertIn("hello from e4", lines)
        self.assertTrue(any("trigger was t-9" in line for line in lines), lines)
        self.assertIn("no newline at the end", lines)

    def test_a_call_names_the_extensions_of_the_events_it_causes(self):
        self.worker.call("e8", "chained", triggerId="t-1", event={"resource": "Item", "action": "Created",
                                                                 "id": "ev-1", "hop": 2, "actorId": "u-1"})
        self.assertEqual({"causationid": "e8", "hop": 3}, self.worker.result("e8")["output"])
        self.worker.call("e9", "chained")
        self.assertEqual({"causationid": "e9", "hop": 1}, self.worker.result("e9")["output"],
                         "a call no event started begins a chain")

    def test_unknown_function_fails(self):
        self.worker.call("e5", "nope")
        self.assertEqual("failed", self.worker.result("e5")["status"])

    def test_terminate_stops_a_cooperative_call(self):
        self.worker.call("e6", "long")
        time.sleep(0.3)
        self.worker.send({"type": "terminate", "executionId": "e6"})
        self.assertEqual("terminated", self.worker.result("e6")["status"])


class ConcurrencyTest(unittest.TestCase):

    def test_at_most_concurrency_calls_overlap_and_it_is_reached(self):
        worker = WorkerProcess(concurrency=3)
        try:
            worker.wait_for(lambda m: m["type"] == "ready")
            for i in range(9):
                worker.call("c%d" % i, "overlap", {"n": i})
            most = max(worker.result("c%d" % i)["output"] for i in range(9))
            self.assertEqual(3, most)
        finally:
            worker.close()


class InitMessageTest(unittest.TestCase):

    def test_init_names_the_codebase_class_and_concurrency(self):
        code = "import os, runnel\nclass Runner(runnel.BaseServiceRunner):\n" \
               "    def where(self):\n        return os.environ.get('RUNNEL_SERVICE_ID')\n"
        worker = WorkerProcess(code=code, init_message={"codebase": "{dir}", "entryPoint": "main.py",
                                                        "className": "Runner", "concurrency": 3,
                                                        "serviceId": "svc-1", "projectId": "p-1"})
        try:
            worker.wait_for(lambda m: m["type"] == "ready")
            worker.call("e1", "where")
            self.assertEqual("svc-1", worker.result("e1")["output"])
        finally:
            worker.close()

    def test_a_cached_codebase_is_loaded_from_the_spec_without_waiting_for_init(self):
        work = tempfile.mkdtemp()
        codebase = os.path.join(work, "codebase-" + "a" * 64)
        os.makedirs(codebase)
        with open(os.path.join(codebase, "main.py"), "w") as f:
            f.write("import runnel\nclass Runner(runnel.BaseServiceRunner):\n"
                    "    def __init__(self, word):\n        self.word = word\n"
                    "    def say(self):\n        return self.word\n")
        spec = os.path.join(work, "spec.json")
        with open(spec, "w") as f:
            json.dump({"serviceId": "svc-2", "projectId": "p-2", "codebase": {"sha256": "a" * 64},
                       "module": {"entryPoint": "main.py", "className": "Runner"}, "runtime": {"concurrency": 2},
                       "initParams": {"word": "cached"}}, f)
        env = dict(os.environ, PYTHONPATH=SDK, RUNNEL_SPEC_FILE=spec, RUNNEL_WORK_DIR=work)
        process = subprocess.Popen([sys.executable, "-m", "runnel.worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            self.assertEqual("ready", json.loads(process.stdout.readline())["type"], "ready before any init")
            process.stdin.write(json.dumps({"type": "init", "codebase": "/nowhere"}) + "\n")  # ignored
            process.stdin.write(json.dumps({"type": "call", "executionId": "e1", "attempt": 1, "function": "say",
                                            "input": {}, "inputTypes": {}}) + "\n")
            process.stdin.flush()
            result = json.loads(process.stdout.readline())
            self.assertEqual(("success", "cached"), (result["status"], result["output"]))
        finally:
            process.stdin.write(json.dumps({"type": "shutdown"}) + "\n")
            process.stdin.flush()
            process.wait(timeout=10)

    def test_no_codebase_anywhere_is_an_init_failure(self):
        worker = WorkerProcess(init_message={})
        try:
            failed = worker.wait_for(lambda m: m["type"] == "init-failed")
            self.assertEqual("ProtocolError", failed["error"]["type"])
        finally:
            worker.close()


class InitFailureTest(unittest.TestCase):

    def test_an_exception_in_init_is_reported_with_its_traceback(self):
        code = "import runnel\nclass ServiceRunner(runnel.BaseServiceRunner):\n" \
               "    def __init__(self):\n        raise RuntimeError('model missing')\n"
        worker = WorkerProcess(code=code)
        try:
            failed = worker.wait_for(lambda m: m["type"] == "init-failed")
            self.assertIn("model missing", failed["error"]["message"])
            self.assertIn("__init__", failed["error"]["traceback"])
            self.assertEqual(3, worker.process.wait(timeout=10))
        finally:
            worker.close()

    def test_a_missing_class_is_an_init_failure(self):
        worker = WorkerProcess(code="X = 1\n")
        try:
            failed = worker.wait_for(lambda m: m["type"] == "init-failed")
            self.assertIn("ServiceRunner", failed["error"]["message"])
        finally:
            worker.close()


class KeywordParametersTest(unittest.TestCase):
    """What a function asks for (progress, context) is read from its code, as inspect.signature reads it."""

    def test_methods_decorated_functions_and_callable_objects(self):
        import functools
        import inspect
        sys.path.insert(0, SDK)
        from runnel.worker import keyword_parameters

        def logged(function):
            @functools.wraps(function)
            def wrapper(*args, **kwargs):
                return function(*args, **kwargs)
            return wrapper

        class Runner:
            def plain(self, item, progress):
                pass

            def keyword_only(self, item, *, context=None):
                pass

            @logged
            def decorated(self, item, progress, context):
                pass

            def nothing(self):
                pass

        class Callable:
            def __call__(self, item, progress=None):
                pass

        runner = Runner()
        for method in (runner.plain, runner.keyword_only, runner.decorated, runner.nothing, Callable()):
            expected = set(inspect.signature(method).parameters)
            self.assertEqual(expected, keyword_parameters(method) - {"self"}, method)


if __name__ == "__main__":
    unittest.main()
