"""Requests whose address or parameters hold control characters (NUL and the other C0 codes but tab, line feed
and carriage return) are refused before any view: no text field holds them, and PostgreSQL cannot even compare
a text with a NUL in it. The API answers 422 in its error shape, the portal 400, both naming the parameter."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
API_PREFIX = "/api/"


def offending_parameter(request: HttpRequest) -> str | None:
    """The name of the first parameter holding a control character (``path`` for the address itself)."""
    if _CONTROL.search(request.path):
        return "path"
    for name, values in request.GET.lists():
        if _CONTROL.search(name) or any(_CONTROL.search(v) for v in values):
            return _CONTROL.sub("?", name)
    return None


class ControlCharacterGuard:
    """The middleware: refuses such requests, passes the others on unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = offending_parameter(request)
        if name is None:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            where = "path" if name == "path" else f"query.{name}"
            message = f"invalid parameter: {where} holds a control character (such as NUL), which no field accepts"
            body = {
                "error": {
                    "status": 422,
                    "code": "invalid_parameter",
                    "message": message,
                    "details": [{"where": where, "message": "control character"}],
                }
            }
            return JsonResponse(body, status=422)
        text = _("El parámetro %(name)s contiene un carácter de control (como NUL), que ningún campo acepta.") % {
            "name": repr(name)
        }
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
