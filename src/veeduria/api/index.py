"""``GET /api/v1/``: the endpoints (name, URL, description), read from the OpenAPI document so it cannot drift."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from ninja import NinjaAPI


@cache
def _operations(api: NinjaAPI) -> tuple[dict[str, str], ...]:
    schema = api.get_openapi_schema()
    out = []
    for url, methods in schema["paths"].items():
        for method, operation in methods.items():
            if url == api.get_root_path({}):  # the index itself
                continue
            out.append(
                {
                    "name": operation.get("summary") or operation["operationId"],
                    "method": method.upper(),
                    "url": url,
                    "description": (operation.get("description") or "").strip(),
                }
            )
    return tuple(out)


def endpoint_index(api: NinjaAPI) -> dict[str, Any]:
    """Where the description and the documentation are, and every endpoint."""
    ns = api.urls_namespace
    return {
        "name": api.title,
        "version": api.version,
        "openapi": reverse(f"{ns}:openapi-json"),
        "docs": reverse(f"{ns}:openapi-view"),
        "endpoints": [dict(op) for op in _operations(api)],
    }
