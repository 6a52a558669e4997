from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "veeduria.oversight"
    verbose_name = _("Control")

    def ready(self) -> None:
        from veeduria.oversight.signals import connect

        connect()
