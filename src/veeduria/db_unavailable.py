"""A database that cannot be reached answers 503 with Retry-After, never 500.

When PostgreSQL is stopped or restarted (or SQLite cannot be opened), every request that needs the database fails
with ``OperationalError`` or ``InterfaceError``, wherever it happens: in a view, in a middleware, while rendering.
This middleware, outside every one that uses the database, answers those with a short translated page (the API:
its JSON error shape) and ``Retry-After``; Django's connection health checks (``CONN_HEALTH_CHECKS``) drop the
broken connection, so the first request after the database is back is served normally, without restarting the
server."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

#: seconds a client is asked to wait before trying again
RETRY_AFTER_SECONDS = 10
_FLAG = "_veeduria_database_unavailable"


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be reached or used right now."""
    return isinstance(exc, OperationalError | InterfaceError)


def _note(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Remember on the request that an uncaught database error made Django answer 500."""
    if request is not None and is_unavailable(sys.exc_info()[1]):
        setattr(request, _FLAG, True)


got_request_exception.connect(_note, dispatch_uid="veeduria.db_unavailable")


def _language(request: HttpRequest) -> str:
    """The URL's language; English for the API, whose messages are English."""
    if request.path_info.startswith("/api/"):
        return "en"
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: the API's JSON error shape under ``/api/``, else a page in the URL's language."""
    with translation.override(_language(request)):
        message = _("La base de datos no está disponible en este momento. Vuelva a intentarlo en unos segundos.")
        response: HttpResponse
        if request.path_info.startswith("/api/"):
            from veeduria.api.errors import CODES

            body = {"error": {"status": 503, "code": CODES[503], "message": message, "details": []}}
            response = JsonResponse(body, status=503)
        else:
            title = _("Servicio no disponible")
            page = format_html(
                '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
                "<body><h1>{}</h1><p>{}</p></body></html>",
                translation.get_language(),
                title,
                title,
                message,
            )
            response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database that cannot be reached into 503 + Retry-After (before any middleware using the database)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError):
            return unavailable_response(request)
        if response.status_code == 500 and getattr(request, _FLAG, False):
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable_response(request) if is_unavailable(exception) else None
