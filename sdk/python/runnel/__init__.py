"""Runnel's function runtime: what a package's code imports.

    import runnel

    class ServiceRunner(runnel.BaseServiceRunner):
        def __init__(self, model_name: str):
            self.model = load(model_name)

        def detect(self, item: runnel.Item, progress: runnel.Progress):
            progress.update(status='inProgress', progress=50, message='half way')
            return {'labels': self.model(item.id)}

Standard library only. A replica runs one worker (``python3 -m runnel.worker``) that loads the
module's class and calls its functions; see ``runnel.worker`` for the protocol.
"""

from runnel.entities import (Annotation, Assignment, Dataset, Entity, Execution, Item, Model, Package,
                             Project, Service, Task)
from runnel.service import BaseServiceRunner, Context, Event, Progress

__all__ = [
    "BaseServiceRunner", "Context", "Event", "Progress",
    "Entity", "Item", "Dataset", "Annotation", "Model", "Task", "Assignment", "Execution", "Service",
    "Package", "Project",
]
