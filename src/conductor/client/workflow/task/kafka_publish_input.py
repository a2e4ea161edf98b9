"""The ``kafka_request`` input of a KAFKA_PUBLISH task."""

from __future__ import annotations

from copy import deepcopy
from typing import Any, ClassVar


class KafkaPublishInput:
    """Where and what to publish; ``attribute_map`` gives each field's JSON name."""

    swagger_types: ClassVar[dict[str, str]] = {
        "_bootstrap_servers": "str",
        "_key": "str",
        "_key_serializer": "str",
        "_value": "str",
        "_request_timeout_ms": "str",
        "_max_block_ms": "str",
        "_headers": "dict[str, Any]",
        "_topic": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "_bootstrap_servers": "bootStrapServers",
        "_key": "key",
        "_key_serializer": "keySerializer",
        "_value": "value",
        "_request_timeout_ms": "requestTimeoutMs",
        "_max_block_ms": "maxBlockMs",
        "_headers": "headers",
        "_topic": "topic",
    }

    def __init__(
        self,
        bootstrap_servers: str | None = None,
        key: str | None = None,
        key_serializer: str | None = None,
        value: str | None = None,
        request_timeout_ms: str | None = None,
        max_block_ms: str | None = None,
        headers: dict[str, Any] | None = None,
        topic: str | None = None,
    ) -> None:
        """Describe the message.

        Args:
            bootstrap_servers: Kafka bootstrap servers, ``host:port[,host:port]``.
            key: The message key.
            key_serializer: Java class name of the key serializer.
            value: The message value (any JSON value or an expression).
            request_timeout_ms: Producer request timeout in milliseconds.
            max_block_ms: Producer ``max.block.ms``.
            headers: Message headers.
            topic: The topic to publish to.
        """
        self._bootstrap_servers = bootstrap_servers
        self._key = key
        self._key_serializer = key_serializer
        self._value = deepcopy(value)
        self._request_timeout_ms = request_timeout_ms
        self._max_block_ms = max_block_ms
        self._headers = deepcopy(headers)
        self._topic = topic

    @property
    def bootstrap_servers(self) -> str | None:
        """The Kafka bootstrap servers."""
        return self._bootstrap_servers

    @property
    def key(self) -> str | None:
        """The message key."""
        return self._key

    @property
    def key_serializer(self) -> str | None:
        """Java class name of the key serializer."""
        return self._key_serializer

    @property
    def value(self) -> str | None:
        """The message value."""
        return self._value

    @property
    def request_timeout_ms(self) -> str | None:
        """Producer request timeout in milliseconds."""
        return self._request_timeout_ms

    @property
    def max_block_ms(self) -> str | None:
        """Producer ``max.block.ms``."""
        return self._max_block_ms

    @property
    def headers(self) -> dict[str, Any] | None:
        """The message headers."""
        return self._headers

    @property
    def topic(self) -> str | None:
        """The topic to publish to."""
        return self._topic
