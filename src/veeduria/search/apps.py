from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "veeduria.search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from veeduria.search import signals

        signals.connect()
