from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    verbose_name = _("Annuaire")

    def ready(self) -> None:
        from . import dataset_kinds  # noqa: F401  (registers the directory file kinds)
        from .editing import register_editables

        register_editables()  # structures and services: proposals, validation, restores
