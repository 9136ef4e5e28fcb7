"""Tags image items with a (toy) model loaded once per replica in __init__."""
import logging

import runnel

logger = logging.getLogger(__name__)


class ServiceRunner(runnel.BaseServiceRunner):

    def __init__(self, model_name: str, threshold: float = 0.5):
        self.model_name = model_name
        self.threshold = threshold
        logger.info("loaded model %s", model_name)

    def tag(self, item: runnel.Item, progress: runnel.Progress):
        progress.update(status="inProgress", progress=0, message="tagging started")
        name = item.json.get("name", item.id)  # the resource JSON comes with trigger events
        tags = [word for word in name.lower().replace(".", " ").split() if len(word) > 2]
        progress.update(status="inProgress", progress=100, message="tagging done")
        return {"item_id": item.id, "model": self.model_name, "tags": tags}
