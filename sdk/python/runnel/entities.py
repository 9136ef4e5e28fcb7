"""Platform entities passed to functions by id, with their JSON when an event carried it."""


class Entity:
    """An entity given to a function: its ``id``, and ``json`` (the resource) when known."""

    type_name = "Entity"

    def __init__(self, id, json=None):
        self.id = id
        self.json = json or {}

    def __getattr__(self, name):
        # fields of the resource JSON read as attributes: item.name, item.metadata, ...
        json = self.__dict__.get("json") or {}
        if name in json:
            return json[name]
        raise AttributeError("%s has no field %r" % (self.type_name, name))

    def __repr__(self):
        return "%s(id=%r)" % (self.type_name, self.id)

    def __eq__(self, other):
        return isinstance(other, Entity) and other.type_name == self.type_name and other.id == self.id

    def __hash__(self):
        return hash((self.type_name, self.id))


def _entity(name):
    return type(name, (Entity,), {"type_name": name, "__doc__": "A %s, passed by id." % name})


Item = _entity("Item")
Dataset = _entity("Dataset")
Annotation = _entity("Annotation")
Model = _entity("Model")
Task = _entity("Task")
Assignment = _entity("Assignment")
Execution = _entity("Execution")
Service = _entity("Service")
Package = _entity("Package")
Project = _entity("Project")

BY_TYPE = {cls.type_name: cls for cls in (Item, Dataset, Annotation, Model, Task, Assignment, Execution, Service,
                                          Package, Project)}


def from_input(declared_type, value, event=None):
    """The argument for an input of ``declared_type`` ('Item', 'Item[]', 'Json', 'String', ...)."""
    if declared_type is None:
        return value
    if declared_type.endswith("[]"):
        return [from_input(declared_type[:-2], element, event) for element in (value or [])]
    cls = BY_TYPE.get(declared_type)
    if cls is None:
        return value
    if isinstance(value, dict):
        entity_id = value.get(declared_type.lower() + "_id") or value.get("id")
        json = value if "id" in value and len(value) > 1 else None
    else:
        entity_id, json = value, None
    if json is None and event and event.get("resourceId") == entity_id:
        json = event.get("body")
    return cls(entity_id, json)
