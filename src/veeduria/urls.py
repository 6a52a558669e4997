"""URL configuration: the bilingual portal under /es/ and /en/, the admin and the JSON API."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from veeduria.api.views import api

#: the admin is titled as the portal, in the language of the request
admin.site.site_header = _("Veeduría: administración")
admin.site.site_title = "Veeduría"
admin.site.index_title = _("Registros, fuentes y revisiones")

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
urlpatterns += i18n_patterns(path("", include("veeduria.portal.urls")), prefix_default_language=True)
