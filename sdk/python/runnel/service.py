"""What a function author's class sees: BaseServiceRunner, Progress, Context."""

import logging
import threading

_current = threading.local()


class Event:
    """The event that caused an execution (a trigger's resource event), if any."""

    def __init__(self, data):
        data = data or {}
        self.resource = data.get("resource")
        self.action = data.get("action")
        self.resource_id = data.get("resourceId")
        self.user_id = data.get("userId")
        self.project_id = data.get("projectId")
        self.body = data.get("body")
        self.id = data.get("id")
        self.actor_id = data.get("actorId")
        self.causation_id = data.get("causationId")
        # how many executions led to this event: the trigger-service stops a chain past its max-hops
        self.hop = int(data.get("hop") or 0)

    def __repr__(self):
        return "Event(%s.%s %s)" % (self.resource, self.action, self.resource_id)


class Context:
    """Where a call comes from: its execution, trigger and event."""

    def __init__(self, execution_id, attempt, trigger_id=None, event=None, service_id=None, project_id=None):
        self.execution_id = execution_id
        self.attempt = attempt
        self.trigger_id = trigger_id
        self.event = Event(event) if event else None
        self.service_id = service_id
        self.project_id = project_id

    def event_extensions(self):
        """The CloudEvents extensions an event this call causes should carry, so that the loop guard
        can follow the chain: ``causationid`` (this execution) and ``hop`` (one more than the event
        that started it, or 1). Put them on the events your system publishes for the changes this
        function makes (with ``POST /events``, or as ``ce_`` headers on ``resource-events``)."""
        return {"causationid": self.execution_id, "hop": (self.event.hop if self.event else 0) + 1}


class Progress:
    """Reports an execution's progress. Updates apply in steps of 5 (4 applies, then 7 does not, then 9)."""

    def __init__(self, send, execution_id, attempt, logger):
        self._send = send
        self._execution_id = execution_id
        self._attempt = attempt
        self._last = None
        self.logger = logger

    def update(self, status=None, progress=0, message=None, output=None, duration=None, action=None):
        percent = None if progress is None else max(0, min(100, int(progress)))
        applies = self._last is None or (percent is not None and (percent >= self._last + 5 or
                                                                   (percent == 100 and self._last != 100)))
        if not applies and message is None:
            return
        if applies and percent is not None:
            self._last = percent
        self._send({"type": "status", "executionId": self._execution_id, "attempt": self._attempt,
                    "status": "in-progress", "percentComplete": percent if applies else None,
                    "message": message})


class BaseServiceRunner:
    """The base of a module's class. ``__init__`` gets the service's initParams by name."""

    def kill_event(self):
        """Raises InterruptedError in the calling thread once its execution was asked to terminate."""
        flag = getattr(_current, "terminate", None)
        if flag is not None and flag.is_set():
            raise InterruptedError("execution %s was terminated" % getattr(_current, "execution_id", "?"))

    def ping(self):
        return "pong"


def current_execution():
    return getattr(_current, "execution_id", None)


def enter(execution_id, terminate_flag):
    _current.execution_id = execution_id
    _current.terminate = terminate_flag


def leave():
    _current.execution_id = None
    _current.terminate = None


def execution_logger(execution_id):
    return logging.getLogger("runnel.execution.%s" % execution_id)
