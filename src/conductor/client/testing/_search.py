"""Search (``GET /workflow/search[-v2]``, ``GET /tasks/search[-v2]``) over the in-memory state.

A real server answers these from its index. Here the state is scanned. The ``query`` string
supports the common form of conditions joined by ``AND``: ``field = value``, ``!=``, ``>``, ``<``
and ``field IN (a, b)``, with optional quotes around values. Fields are those of the summary
(``workflowType``, ``status``, ``correlationId``, ``taskType``...); time fields compare as
epoch milliseconds. ``freeText`` other than ``*`` keeps the documents whose summary contains
it. ``sort`` takes ``field:ASC`` or ``field:DESC`` (repeatable); without it, oldest first.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from typing import Any

from conductor.client.testing._engine import Engine
from conductor.client.testing._errors import bad_request
from conductor.client.testing._http import Request, Response
from conductor.client.testing._records import JsonDict, now_ms, render_task, render_workflow
from conductor.client.testing._responses import int_param, json_response
from conductor.client.testing._routing import Params, Route

_CONDITION = re.compile(
    r"\s*(\w+)\s*(?:(=|!=|>|<)\s*('[^']*'|\"[^\"]*\"|[^\s()]+)|\s+IN\s*\(([^)]*)\))\s*",
    re.IGNORECASE,
)
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)
_TIME_FIELDS = frozenset({"startTime", "updateTime", "endTime", "scheduledTime", "createTime"})
Condition = tuple[str, str, list[str]]
Document = tuple[JsonDict, JsonDict]  # (what is returned, what conditions and sorting see)


def parse_query(query: str | None) -> list[Condition]:
    """``field op value`` conditions joined by AND; 400 for anything else."""
    if not query or not query.strip():
        return []
    conditions: list[Condition] = []
    for part in _AND.split(query.strip()):
        match = _CONDITION.fullmatch(part)
        if match is None:
            raise bad_request(f"Cannot parse the search query near: {part!r}")
        field, op, value, listed = match.groups()
        if listed is not None:
            conditions.append((field, "IN", [_unquote(item) for item in listed.split(",")]))
        else:
            conditions.append((field, op, [_unquote(value)]))
    return conditions


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _holds(condition: Condition, fields: JsonDict) -> bool:
    name, op, values = condition
    actual = fields.get(name)
    if op == "IN":
        return _text(actual) in values
    if op in (">", "<"):
        if actual is None:
            return False
        try:
            left, right = float(actual), float(values[0])
        except (TypeError, ValueError):
            return False
        return left > right if op == ">" else left < right
    equal = _text(actual) == values[0]
    return equal if op == "=" else not equal


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _sort_key(value: Any) -> tuple[int, float, str]:
    """Numbers before text, each in natural order; missing values last."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1 if value is not None else 2, 0.0, _text(value))


def _iso(epoch_ms: int) -> str:
    """Epoch ms as the server's summaries write it: ``yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`` (UTC)."""
    seconds, millis = divmod(int(epoch_ms), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def _json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def workflow_summary(workflow: JsonDict) -> JsonDict:
    """A WorkflowSummary: times as ISO text, input and output as JSON text."""
    end = workflow.get("endTime") or 0
    summary: JsonDict = {
        "workflowType": workflow["workflowName"],
        "version": workflow["workflowVersion"],
        "workflowId": workflow["workflowId"],
        "correlationId": workflow.get("correlationId"),
        "startTime": _iso(workflow["createTime"]),
        "updateTime": _iso(workflow["updateTime"]),
        "endTime": _iso(end) if end > 0 else None,
        "status": workflow["status"],
        "input": _json_text(workflow["input"]),
        "output": _json_text(workflow["output"]),
        "reasonForIncompletion": workflow.get("reasonForIncompletion"),
        "executionTime": end - workflow["startTime"] if end > 0 else 0,
        "failedReferenceTaskNames": ",".join(workflow["failedReferenceTaskNames"]),
        "failedTaskNames": list(workflow["failedTaskNames"]),
        "priority": workflow.get("priority") or 0,
        "createdBy": workflow.get("createdBy"),
    }
    return {key: value for key, value in summary.items() if value is not None}


def task_summary(task: JsonDict) -> JsonDict:
    """A TaskSummary: times as ISO text, input and output as JSON text."""
    end, start = task["endTime"], task["startTime"]
    summary: JsonDict = {
        "workflowId": task["workflowInstanceId"],
        "workflowType": task["workflowType"],
        "correlationId": task.get("correlationId"),
        "scheduledTime": _iso(task["scheduledTime"]),
        "startTime": _iso(start),
        "updateTime": _iso(task["updateTime"]),
        "endTime": _iso(end),
        "status": task["status"],
        "reasonForIncompletion": task.get("reasonForIncompletion"),
        "executionTime": end - start if end > 0 else 0,
        "queueWaitTime": start - task["scheduledTime"] if start > 0 else 0,
        "taskDefName": task["taskDefName"],
        "taskType": task["taskType"],
        "input": _json_text(task["inputData"]),
        "output": _json_text(task["outputData"]),
        "taskId": task["taskId"],
        "workflowPriority": task.get("workflowPriority") or 0,
        "domain": task.get("domain"),
    }
    return {key: value for key, value in summary.items() if value is not None}


def _match_fields(summary: JsonDict, record: JsonDict) -> JsonDict:
    """What conditions see: the summary, with time fields as epoch ms."""
    fields = dict(summary)
    for name in _TIME_FIELDS:
        if name in record:
            fields[name] = record[name]
    if "workflowInstanceId" in record:
        fields["workflowInstanceId"] = record["workflowInstanceId"]
    return fields


class SearchRequest:
    """What a search asks for: conditions, free text, page and sort order."""

    __slots__ = ("conditions", "free_text", "size", "sort", "start")

    def __init__(
        self,
        query: str | None = None,
        free_text: str | None = None,
        start: int = 0,
        size: int = 100,
        sort: Iterable[str] = (),
    ) -> None:
        self.conditions = parse_query(query)
        self.free_text = (free_text or "*").strip()
        self.start = max(0, start)
        self.size = max(0, size)
        self.sort = list(sort)

    def run(self, documents: Iterable[Document]) -> JsonDict:
        """Filter, sort and page; a SearchResult ``{totalHits, results}``."""
        hits = [
            (found, fields)
            for found, fields in documents
            if all(_holds(condition, fields) for condition in self.conditions)
            and (self.free_text in ("", "*") or self.free_text in _json_text(fields))
        ]
        for spec in reversed(self.sort):
            field, _, order = spec.partition(":")
            hits.sort(key=lambda hit: _sort_key(hit[1].get(field)), reverse=order.upper() == "DESC")
        page = hits[self.start : self.start + self.size]
        return {"totalHits": len(hits), "results": [found for found, _ in page]}


class Search:
    """Searches over the engine's state (thread-safe: reads under the engine lock)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def workflows(self, request: SearchRequest, *, summaries: bool) -> JsonDict:
        """WorkflowSummary results, or Workflow results (without tasks) for ``search-v2``."""
        with self._engine.locked() as state:
            self._engine.expire_response_timeouts()
            documents = []
            for workflow in state.workflows.values():
                summary = workflow_summary(workflow)
                found = summary if summaries else render_workflow(workflow, [])
                documents.append((found, _match_fields(summary, workflow)))
        return request.run(documents)

    def tasks(self, request: SearchRequest, *, summaries: bool) -> JsonDict:
        """TaskSummary results, or Task results for ``search-v2``."""
        with self._engine.locked() as state:
            self._engine.expire_response_timeouts()
            now, documents = now_ms(), []
            for task in state.tasks.values():
                summary = task_summary(task)
                found = summary if summaries else render_task(task, now)
                documents.append((found, _match_fields(summary, task)))
        return request.run(documents)


class SearchRoutes:
    """The four search endpoints (counted as ``workflow`` and ``get_task`` requests)."""

    def __init__(self, engine: Engine) -> None:
        self._search = Search(engine)

    def routes(self) -> list[Route]:
        """The route table of this group."""
        return [
            Route("GET", "/workflow/search", "workflow", self.workflow_summaries),
            Route("GET", "/workflow/search-v2", "workflow", self.workflows),
            Route("GET", "/tasks/search", "get_task", self.task_summaries),
            Route("GET", "/tasks/search-v2", "get_task", self.tasks),
        ]

    async def workflow_summaries(self, request: Request, params: Params) -> Response:
        """``GET /workflow/search``."""
        return json_response(self._search.workflows(_search_request(request), summaries=True))

    async def workflows(self, request: Request, params: Params) -> Response:
        """``GET /workflow/search-v2``."""
        return json_response(self._search.workflows(_search_request(request), summaries=False))

    async def task_summaries(self, request: Request, params: Params) -> Response:
        """``GET /tasks/search``."""
        return json_response(self._search.tasks(_search_request(request), summaries=True))

    async def tasks(self, request: Request, params: Params) -> Response:
        """``GET /tasks/search-v2``."""
        return json_response(self._search.tasks(_search_request(request), summaries=False))


def _search_request(request: Request) -> SearchRequest:
    return SearchRequest(
        query=request.param("query"),
        free_text=request.param("freeText"),
        start=int_param(request, "start", 0),
        size=int_param(request, "size", 100),
        sort=request.query.get("sort", []),
    )
