"""Token endpoints (``/token``): exchange an application key for an auth token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conductor.client.http.api._operation import Operation, ResourceApi, http_info

if TYPE_CHECKING:
    from conductor.client.http.models.generate_token_request import GenerateTokenRequest
    from conductor.client.http.models.token import Token

_GENERATE_TOKEN: Operation[Token] = Operation(
    "generate_token", "POST", "/token", ("body",), body="body", returns="Token",
)  # fmt: skip
_GET_USER_INFO: Operation[Any] = Operation(
    "get_user_info", "GET", "/token/userInfo", returns="object",
)  # fmt: skip


class TokenResourceApi(ResourceApi):
    """Token endpoints (Orkes servers; open-source Conductor answers 404).

    Same conventions as :class:`~conductor.client.http.api.task_resource_api.TaskResourceApi`.
    """

    def generate_token(self, body: GenerateTokenRequest, **kwargs: Any) -> Token:
        """Exchange a key id and secret for a token (sent without an auth header)."""
        return self._call(_GENERATE_TOKEN, (body,), kwargs)

    generate_token_with_http_info = http_info(_GENERATE_TOKEN)

    def get_user_info(self, **kwargs: Any) -> Any:
        """Return what the server knows about the caller of the current token."""
        return self._call(_GET_USER_INFO, (), kwargs)

    get_user_info_with_http_info = http_info(_GET_USER_INFO)
