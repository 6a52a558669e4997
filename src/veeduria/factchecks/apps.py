from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactchecksConfig(AppConfig):
    name = "veeduria.factchecks"
    verbose_name = _("Verificaciones")

    def ready(self) -> None:
        from veeduria.factchecks import matching_signals  # noqa: F401  (a claim's vector follows its text)
