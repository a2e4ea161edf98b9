"""The task types the Conductor server knows, as sent in ``WorkflowTask.type``."""

from __future__ import annotations

from enum import Enum


class TaskType(str, Enum):
    """A workflow task type; each value is the server's type name."""

    SIMPLE = "SIMPLE"
    DYNAMIC = "DYNAMIC"
    FORK_JOIN = "FORK_JOIN"
    FORK_JOIN_DYNAMIC = "FORK_JOIN_DYNAMIC"
    DECISION = "DECISION"
    SWITCH = "SWITCH"
    JOIN = "JOIN"
    DO_WHILE = "DO_WHILE"
    SUB_WORKFLOW = "SUB_WORKFLOW"
    START_WORKFLOW = "START_WORKFLOW"
    EVENT = "EVENT"
    WAIT = "WAIT"
    WAIT_FOR_WEBHOOK = "WAIT_FOR_WEBHOOK"
    HUMAN = "HUMAN"
    USER_DEFINED = "USER_DEFINED"
    HTTP = "HTTP"
    HTTP_POLL = "HTTP_POLL"
    LAMBDA = "LAMBDA"
    INLINE = "INLINE"
    EXCLUSIVE_JOIN = "EXCLUSIVE_JOIN"
    TERMINATE = "TERMINATE"
    KAFKA_PUBLISH = "KAFKA_PUBLISH"
    JSON_JQ_TRANSFORM = "JSON_JQ_TRANSFORM"
    SET_VARIABLE = "SET_VARIABLE"
    NOOP = "NOOP"
    GET_DOCUMENT = "GET_DOCUMENT"
    LLM_GENERATE_EMBEDDINGS = "LLM_GENERATE_EMBEDDINGS"
    LLM_GET_EMBEDDINGS = "LLM_GET_EMBEDDINGS"
    LLM_TEXT_COMPLETE = "LLM_TEXT_COMPLETE"
    LLM_CHAT_COMPLETE = "LLM_CHAT_COMPLETE"
    LLM_INDEX_TEXT = "LLM_INDEX_TEXT"
    LLM_INDEX_DOCUMENT = "LLM_INDEX_DOCUMENT"
    LLM_SEARCH_INDEX = "LLM_SEARCH_INDEX"

    def __str__(self) -> str:
        return self.value
