"""Helpers for the in-memory server tests: plain ``requests`` calls against a live server."""

from __future__ import annotations

import socket
from typing import Any

import requests

TIMEOUT_S = 15


class Api:
    """A ``requests.Session`` bound to the server's ``/api`` root."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT_S)
        return self.session.request(method, self.url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def poll(self, task_type: str, **params: Any) -> dict[str, Any] | None:
        """Single poll; None on 204."""
        response = self.get(f"/tasks/poll/{task_type}", params=params)
        assert response.status_code in (200, 204), response.text
        return response.json() if response.status_code == 200 else None

    def batch_poll(self, task_type: str, **params: Any) -> list[dict[str, Any]]:
        response = self.get(f"/tasks/poll/batch/{task_type}", params=params)
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result

    def update(self, task: dict[str, Any], status: str, **fields: Any) -> requests.Response:
        body = {
            "taskId": task["taskId"],
            "workflowInstanceId": task["workflowInstanceId"],
            "status": status,
            **fields,
        }
        return self.post("/tasks", json=body)

    def register_task_def(self, name: str, **fields: Any) -> None:
        response = self.post("/metadata/taskdefs", json=[{"name": name, **fields}])
        assert response.status_code == 200, response.text

    def register_workflow(self, definition: dict[str, Any]) -> None:
        response = self.post("/metadata/workflow", params={"overwrite": "true"}, json=definition)
        assert response.status_code == 200, response.text

    def start(self, name: str, workflow_input: dict[str, Any] | None = None, **fields: Any) -> str:
        body = {"name": name, "input": workflow_input or {}, **fields}
        response = self.post("/workflow", json=body)
        assert response.status_code == 200, response.text
        return response.text

    def workflow(self, workflow_id: str) -> dict[str, Any]:
        response = self.get(f"/workflow/{workflow_id}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def close(self) -> None:
        self.session.close()


def simple_workflow(name: str, *tasks: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A workflow definition of SIMPLE tasks."""
    return {"name": name, "version": 1, "tasks": list(tasks), **fields}


def simple_task(name: str, ref: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "taskReferenceName": ref, "type": "SIMPLE", **fields}


def closed_by_peer(sock: socket.socket) -> bool:
    """True when the server closed (or reset) the connection ``sock`` is on."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
