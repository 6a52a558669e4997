"""The content policy of every response: ``Content-Security-Policy`` and ``Permissions-Policy``.

The portal, the admin, the API documentation, error pages and static files all get the same strict policy (from
``CONTENT_SECURITY_POLICY`` and ``PERMISSIONS_POLICY`` in the settings): scripts and stylesheets only from files
of this site, no inline script, style element or ``style`` attribute, no plugins, never framed. Data blocks
(``<script type="application/json">``, JSON-LD) are not scripts and need no exception. A response that already
carries a policy keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def policy_header(directives: Mapping[str, str]) -> str:
    """The header value of ``directives``: ``name sources; name sources``."""
    return "; ".join(f"{name} {sources}".strip() for name, sources in directives.items())


class ContentPolicyMiddleware:
    """Adds the two headers to every response, static files included (it sits before WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.content_security_policy = policy_header(settings.CONTENT_SECURITY_POLICY)
        self.permissions_policy: str = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.content_security_policy)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response
