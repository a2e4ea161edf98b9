"""A schema definition (JSON, Avro or Protobuf) referenced by task and workflow definitions."""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar

from conductor.client.http.models._base import Model


class SchemaType(str, Enum):
    """The language a :class:`SchemaDef` is written in."""

    JSON = "JSON"
    AVRO = "AVRO"
    PROTOBUF = "PROTOBUF"

    def __str__(self) -> str:
        return self.name


class SchemaDef(Model):
    """A registered schema that task and workflow definitions can validate against.

    ``version`` defaults to 1, as in conductor-python; ``type`` accepts a :class:`SchemaType`
    or its name.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "owner_app": "str",
        "create_time": "int",
        "update_time": "int",
        "created_by": "str",
        "updated_by": "str",
        "name": "str",
        "version": "int",
        "type": "str",
        "data": "dict(str, object)",
        "external_ref": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "owner_app": "ownerApp",
        "create_time": "createTime",
        "update_time": "updateTime",
        "created_by": "createdBy",
        "updated_by": "updatedBy",
        "name": "name",
        "version": "version",
        "type": "type",
        "data": "data",
        "external_ref": "externalRef",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "type": tuple(SchemaType.__members__),
    }

    owner_app: str | None
    create_time: int | None
    update_time: int | None
    created_by: str | None
    updated_by: str | None
    name: str | None
    version: int | None
    type: SchemaType | str | None
    data: dict[str, Any] | None
    external_ref: str | None

    def __init__(
        self,
        name: str | None = None,
        version: int | None = 1,
        type: SchemaType | str | None = None,
        data: dict[str, Any] | None = None,
        external_ref: str | None = None,
        owner_app: str | None = None,
        create_time: int | None = None,
        update_time: int | None = None,
        created_by: str | None = None,
        updated_by: str | None = None,
    ) -> None:
        self._init_fields(locals())
