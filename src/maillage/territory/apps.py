from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "maillage.territory"
    verbose_name = _("Territoires")

    def ready(self) -> None:
        from . import dataset_kinds  # noqa: F401  (registers the file kinds)
