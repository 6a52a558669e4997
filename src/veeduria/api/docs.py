"""The API's browsable documentation: Swagger UI from the vendored files (``portal/static/vendor/swagger-ui``), no
CDN, nothing fetched from another host."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

#: Swagger UI's settings: no validator badge (it would send the document to validator.swagger.io)
SETTINGS: dict[str, Any] = {"layout": "BaseLayout", "deepLinking": True, "validatorUrl": None}


class VendoredSwagger(DocsBase):
    """Swagger UI rendered by ``api/docs.html`` with the vendored script and stylesheet."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**SETTINGS, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})
