from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactchecksConfig(AppConfig):
    name = "veeduria.factchecks"
    verbose_name = _("Verificaciones")
