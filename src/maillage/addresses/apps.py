from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressesConfig(AppConfig):
    name = "maillage.addresses"
    label = "addresses"
    verbose_name = _("Adresses (BAN)")
    default_auto_field = "django.db.models.BigAutoField"
