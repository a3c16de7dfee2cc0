from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "maillage.web"
    verbose_name = _("Site web")

    def ready(self) -> None:
        from . import (
            guide_document,  # noqa: F401 — registers the printed guide's background builder
            journal_import_document,  # noqa: F401 — registers the large journal import's
            params,  # noqa: F401 — registers the <id:…> URL converter
            site_url,  # noqa: F401 — registers the MAILLAGE_SITE_URL check
        )
