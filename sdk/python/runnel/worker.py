"""The worker process of a replica: loads the module's class and runs its functions.

    python3 -m runnel.worker [--codebase DIR --entry-point main.py --class-name ServiceRunner --concurrency 4]

When the replica's spec (RUNNEL_SPEC_FILE) names a codebase already on disk (under RUNNEL_WORK_DIR),
the worker loads it at once, without waiting for init, and ignores the init that follows.

It speaks JSON lines with the runner agent that started it. The agent writes to stdin:
    {"type": "init", "initParams": {...}, "codebase", "entryPoint", "className", "concurrency",
     "serviceId", "projectId"}   (what init names wins over the command line; the agent starts the
                                  worker before it knows them, so that Python starts meanwhile)
    {"type": "call", "executionId", "attempt", "function", "input": {...}, "inputTypes": {name: type},
     "triggerId", "event", "serviceId", "projectId"}
    {"type": "terminate", "executionId"}
    {"type": "shutdown"}
and reads from stdout:
    {"type": "ready"} or {"type": "init-failed", "error": {...}} (then the worker exits)
    {"type": "status", "executionId", "attempt", "status": "in-progress", "percentComplete", "message"}
    {"type": "log", "executionId", "level", "message", "timestamp"}
    {"type": "result", "executionId", "attempt", "status": "success" | "failed" | "terminated",
     "output", "error": {"type", "message", "traceback"}}
What user code prints or logs during a call becomes that execution's log; anything else goes to
stderr. At most ``concurrency`` calls run at once.
"""

import argparse
import concurrent.futures
import datetime
import importlib.util
import io
import json
import logging
import os
import sys
import threading
import traceback

from runnel import entities, service


class Channel:
    """The protocol stream to the agent (a private copy of fd 1), written one line at a time."""

    def __init__(self):
        self._out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
        os.dup2(2, 1)  # whatever else writes to fd 1 (C code, subprocesses) lands in stderr
        self._lock = threading.Lock()

    def send(self, message):
        line = json.dumps(message, default=str, separators=(",", ":"))
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class PrintRouter(io.TextIOBase):
    """sys.stdout for user code: during a call, each printed line goes to that execution's log."""

    def __init__(self, channel, fallback):
        self._channel = channel
        self._fallback = fallback
        self._partial = threading.local()

    def write(self, text):
        execution_id = service.current_execution()
        if execution_id is None:
            return self._fallback.write(text)
        buffered = getattr(self._partial, "text", "") + text
        *lines, rest = buffered.split("\n")
        self._partial.text = rest
        for line in lines:
            self._channel.send({"type": "log", "executionId": execution_id, "level": "PRINT", "message": line,
                                "timestamp": now()})
        return len(text)

    def flush_execution(self):
        rest = getattr(self._partial, "text", "")
        if rest:
            self._partial.text = ""
            self.write(rest + "\n")

    def flush(self):
        self._fallback.flush()


class ExecutionLogHandler(logging.Handler):
    """Log records made during a call go to that execution's log."""

    def __init__(self, channel):
        super().__init__(logging.INFO)
        self._channel = channel
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record):
        execution_id = service.current_execution()
        if execution_id is None:
            sys.stderr.write(self.format(record) + "\n")
            return
        self._channel.send({"type": "log", "executionId": execution_id, "level": record.levelname,
                            "message": self.format(record), "timestamp": now()})


def error_of(exc):
    return {"type": type(exc).__name__, "message": str(exc) or type(exc).__name__,
            "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))}


def keyword_parameters(method):
    """The names a function may be given by keyword (is it asking for ``progress``, ``context``?), read
    from its code: ``inspect`` takes 4 ms to import, a replica's start waits for it, and
    ``inspect.signature`` is slow on every call."""
    function = getattr(method, "__func__", method)
    while hasattr(function, "__wrapped__"):  # functools.wraps decorators, as inspect.signature follows them
        function = function.__wrapped__
    code = getattr(function, "__code__", None)
    if code is None:  # a callable object or a builtin: the slow way
        import inspect
        return frozenset(inspect.signature(method).parameters)
    names = code.co_varnames[code.co_posonlyargcount:code.co_argcount + code.co_kwonlyargcount]
    return frozenset(names)


def load_class(codebase, entry_point, class_name):
    sys.path.insert(0, codebase)
    path = os.path.join(codebase, entry_point)
    module_name = os.path.splitext(entry_point)[0].replace("/", ".")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    try:
        return getattr(module, class_name)
    except AttributeError:
        raise ImportError("%s has no class %s" % (entry_point, class_name)) from None


class Worker:
    """Runs calls of one instance of the module's class, ``concurrency`` at a time."""

    def __init__(self, channel, router, instance, concurrency):
        self.channel = channel
        self.router = router
        self.instance = instance
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="call")
        self.terminations = {}
        self.lock = threading.Lock()
        self.parameters = {}  # function name -> the names it takes by keyword

    def submit(self, message):
        flag = threading.Event()
        with self.lock:
            self.terminations[message["executionId"]] = flag
        self.pool.submit(self.run, message, flag)

    def terminate(self, execution_id):
        with self.lock:
            flag = self.terminations.get(execution_id)
        if flag is not None:
            flag.set()

    def run(self, message, flag):
        execution_id, attempt = message["executionId"], message.get("attempt", 1)
        result = {"type": "result", "executionId": execution_id, "attempt": attempt}
        service.enter(execution_id, flag)
        try:
            output = self.call(message, flag)
            json.dumps(output)  # the output must be JSON
            result.update(status="success", output=output)
        except InterruptedError as exc:
            if flag.is_set():
                result.update(status="terminated")
            else:
                result.update(status="failed", error=error_of(exc))
        except BaseException as exc:  # noqa: user code may raise anything, SystemExit included
            result.update(status="failed", error=error_of(exc))
        finally:
            self.router.flush_execution()
            service.leave()
            with self.lock:
                self.terminations.pop(execution_id, None)
        self.channel.send(result)

    def call(self, message, flag):
        name = message["function"]
        method = getattr(self.instance, name, None)
        if method is None and name == "ping":
            return "pong"
        if method is None or name.startswith("_"):
            raise AttributeError("%s has no function %s" % (type(self.instance).__name__, name))
        execution_id, attempt = message["executionId"], message.get("attempt", 1)
        event = message.get("event")
        types = message.get("inputTypes") or {}
        kwargs = {key: entities.from_input(types.get(key), value, event)
                  for key, value in (message.get("input") or {}).items()}
        parameters = self.parameters.get(name)
        if parameters is None:
            parameters = self.parameters[name] = keyword_parameters(method)
        logger = service.execution_logger(execution_id)
        if "progress" in parameters:
            kwargs["progress"] = service.Progress(self.channel.send, execution_id, attempt, logger)
        if "context" in parameters:
            kwargs["context"] = service.Context(execution_id, attempt, message.get("triggerId"), event,
                                                message.get("serviceId"), message.get("projectId"))
        return method(**kwargs)


def cached_init(env):
    """The init the agent would send, read from the replica's spec (RUNNEL_SPEC_FILE) when its codebase
    is already on disk (RUNNEL_WORK_DIR/codebase-<sha256>): the worker then loads it without waiting for
    the agent's JVM to start. None otherwise."""
    spec_file, work_dir = env.get("RUNNEL_SPEC_FILE"), env.get("RUNNEL_WORK_DIR")
    if not spec_file or not work_dir:
        return None
    try:
        with open(spec_file, encoding="utf-8") as f:
            spec = json.load(f)
        codebase = os.path.join(work_dir, "codebase-" + spec["codebase"]["sha256"])
        if not os.path.isdir(codebase):
            return None
        module = spec["module"]
        return {"type": "init", "codebase": codebase, "entryPoint": module.get("entryPoint") or "main.py",
                "className": module.get("className") or "ServiceRunner",
                "concurrency": (spec.get("runtime") or {}).get("concurrency") or 1,
                "serviceId": spec.get("serviceId"), "projectId": spec.get("projectId"),
                "initParams": spec.get("initParams") or {}}
    except (OSError, ValueError, KeyError, TypeError):
        return None  # the agent's init will say what to load


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m runnel.worker")
    parser.add_argument("--codebase")
    parser.add_argument("--entry-point", default="main.py")
    parser.add_argument("--class-name", default="ServiceRunner")
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args(argv)

    channel = Channel()
    router = PrintRouter(channel, sys.stderr)
    sys.stdout = router
    logging.basicConfig(level=logging.INFO, handlers=[ExecutionLogHandler(channel)], force=True)

    stdin = sys.stdin
    first = cached_init(os.environ) or json.loads(stdin.readline() or "{}")
    if first.get("type") != "init":
        channel.send({"type": "init-failed", "error": {"type": "ProtocolError", "message": "expected init first"}})
        return 2
    codebase = first.get("codebase") or args.codebase
    if not codebase:
        channel.send({"type": "init-failed", "error": {"type": "ProtocolError", "message": "no codebase to load"}})
        return 2
    for name in ("serviceId", "projectId"):
        if first.get(name):
            os.environ["RUNNEL_" + name[:-2].upper() + "_ID"] = first[name]
    try:
        cls = load_class(codebase, first.get("entryPoint") or args.entry_point,
                         first.get("className") or args.class_name)
        instance = cls(**(first.get("initParams") or {}))
    except BaseException as exc:  # noqa: the service shows whatever init raised
        channel.send({"type": "init-failed", "error": error_of(exc)})
        return 3
    worker = Worker(channel, router, instance, max(1, int(first.get("concurrency") or args.concurrency)))
    channel.send({"type": "ready"})
    for line in stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        kind = message.get("type")
        if kind == "init":
            continue  # the worker loaded a cached codebase by itself; the agent's init comes after
        if kind == "call":
            worker.submit(message)
        elif kind == "terminate":
            worker.terminate(message.get("executionId"))
        elif kind == "shutdown":
            break
    worker.pool.shutdown(wait=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
