"""One JSON shape for every API error: ``{"error": {"status", "code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError


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
    return api.create_response(request, body, status=exc.status)


def install(api: NinjaAPI) -> None:
    """Route every error through :func:`error_response`."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors
        ]
        names = ", ".join(d["where"] for d in details)
        return error_response(api, request, ApiError(422, "invalid_parameter", f"invalid parameter: {names}", details))

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, ApiError(exc.status_code, "http_error", str(exc)))

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, ApiError(500, "server_error", "internal error"))
