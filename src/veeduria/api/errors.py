"""One JSON shape for every API error: ``{"error": {"status", "code", "message", "details"}}``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, Throttled, ValidationError

#: the error code of each HTTP status the API answers with, when nothing more precise applies
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameter",
    429: "too_many_requests",
    500: "server_error",
    503: "service_unavailable",
}


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    """An error to answer with ``status`` and a message naming what was wrong."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_response(api: NinjaAPI, request: HttpRequest, exc: ApiError) -> HttpResponse:
    body = {"error": {"status": exc.status, "code": exc.code, "message": exc.message, "details": exc.details}}
    response = api.create_response(request, body, status=exc.status)
    if exc.status == 401:  # how to authenticate (RFC 6750)
        response["WWW-Authenticate"] = 'Bearer realm="veeduria"'
    return response


def _where(loc: Any) -> str:
    """Where a value was wrong, e.g. ``query.year`` or ``body.title_en`` (a body's fields without its parameter's
    name, as the write endpoints name them)."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"] and len(parts) > 2:
        del parts[1]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    """Route every error through :func:`error_response`."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [{"where": _where(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
        names = ", ".join(d["where"] for d in details)
        return error_response(api, request, ApiError(422, "invalid_parameter", f"invalid parameter: {names}", details))

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = CODES.get(exc.status_code, "http_error")
        response = error_response(api, request, ApiError(exc.status_code, code, str(exc)))
        if isinstance(exc, Throttled) and exc.wait:
            response["Retry-After"] = str(exc.wait)
        return response

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, ApiError(404, "not_found", str(exc) or "not found"))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, ApiError(403, "forbidden", str(exc) or "forbidden"))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
        from veeduria.db_unavailable import unavailable_response

        return unavailable_response(request)

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, ApiError(500, "server_error", "internal error"))


#: what every text parameter may hold: no control character but tab, line feed and carriage return (the request
#: guard, ``veeduria.request_guard``, refuses the others before any view)
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


def _declare_text_pattern(schema: Any) -> None:
    """Add :data:`TEXT_PATTERN` to every plain string of a parameter's schema (not to enums or formats)."""
    if isinstance(schema, dict):
        if schema.get("type") == "string" and not {"enum", "format", "pattern", "const"} & set(schema):
            schema["pattern"] = TEXT_PATTERN
        for value in schema.values():
            _declare_text_pattern(value)
    elif isinstance(schema, list):
        for value in schema:
            _declare_text_pattern(value)


#: the answer of every operation to a client past its rate limit (``veeduria.rate_limit``, ``VEEDURIA_RATE_API``)
TOO_MANY_REQUESTS = {
    "description": "Too many requests from this address: retry after the seconds in Retry-After",
    "headers": {"Retry-After": {"description": "seconds", "schema": {"type": "integer", "minimum": 1}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose every answer, even a wrong method or an unknown address under it, is in the one shape."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        """The OpenAPI document, with what a text parameter may hold declared (see :data:`TEXT_PATTERN`) and the rate
        limit's 429 on every operation."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    _declare_text_pattern(parameter.get("schema"))
                if isinstance(operation, dict):
                    operation.setdefault("responses", {}).setdefault(429, TOO_MANY_REQUESTS)
        return schema

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = []
        for url in super()._get_urls():
            if isinstance(url, URLPattern):
                url = URLPattern(url.pattern, self._method_errors(url.callback), url.default_args, url.name)
            urls.append(url)
        urls.append(path("<path:rest>", self._unknown_address, name="unknown-address"))
        return urls

    def _method_errors(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
                allowed = response.get("Allow", "")
                answer = error_response(
                    self, request, ApiError(405, "method_not_allowed", f"{request.method} is not allowed here")
                )
                answer["Allow"] = allowed
                return answer
            return response

        return checked

    def _unknown_address(self, request: HttpRequest, rest: str) -> HttpResponse:
        return error_response(self, request, ApiError(404, "not_found", f"no such address: {request.path}"))
