"""Events a workflow task publishes when its state changes (``WorkflowTask.on_state_change``)."""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, Union

from conductor.client.http.models._base import Model


class StateChangeEventType(Enum):
    """The task state changes an event can be attached to."""

    onScheduled = "onScheduled"
    onStart = "onStart"
    onFailed = "onFailed"
    onSuccess = "onSuccess"
    onCancelled = "onCancelled"


class StateChangeEvent(Model):
    """One event to publish: its ``type`` (the sink) and a ``payload`` template."""

    swagger_types: ClassVar[dict[str, str]] = {"type": "str", "payload": "dict(str, object)"}
    attribute_map: ClassVar[dict[str, str]] = {"type": "type", "payload": "payload"}

    type: str | None
    payload: dict[str, Any] | None

    def __init__(self, type: str | None = None, payload: dict[str, Any] | None = None) -> None:
        self._init_fields(locals())


EventTypes = Union[str, StateChangeEventType, list[StateChangeEventType]]


class StateChangeConfig(Model):
    """The events to publish for one or more state changes.

    ``event_type`` may be a :class:`StateChangeEventType`, a list of them, or a name; it is
    stored in ``type`` as the comma-separated names.
    """

    swagger_types: ClassVar[dict[str, str]] = {"type": "str", "events": "list[StateChangeEvent]"}
    attribute_map: ClassVar[dict[str, str]] = {"type": "type", "events": "events"}

    events: list[StateChangeEvent] | None
    _type: str | None

    def __init__(
        self,
        event_type: EventTypes | None = None,
        events: list[StateChangeEvent] | None = None,
    ) -> None:
        self._init_fields({"type": event_type, "events": events})

    @property
    def type(self) -> str | None:
        """The state change names this configuration applies to, comma separated."""
        return self._type

    @type.setter
    def type(self, event_type: EventTypes | None) -> None:
        self._type = _event_type_names(event_type)


def _event_type_names(event_type: EventTypes | None) -> str | None:
    if event_type is None or isinstance(event_type, str):
        return event_type
    if isinstance(event_type, StateChangeEventType):
        return event_type.name
    return ",".join(item.name for item in event_type)
