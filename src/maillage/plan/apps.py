from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "maillage.plan"
    verbose_name = _("Plan d'action")

    def ready(self) -> None:
        from . import (
            dataset_kind,  # noqa: F401  (registers the « ctg_plan » file kind)
            services,  # noqa: F401  (registers the attachments' relinker for restores)
        )
