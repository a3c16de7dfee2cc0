"""Read-only admin of the BAN tables: they are written by ``maillage adresses charger`` only."""

from django.contrib import admin

from .models import Address, AddressLoad


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AddressLoad)
class AddressLoadAdmin(ReadOnly):
    list_display = ("file_name", "territory", "rows_read", "rows_kept", "loaded_at")


@admin.register(Address)
class AddressAdmin(ReadOnly):
    list_display = ("nom_voie", "numero", "rep", "code_postal", "nom_commune")
    list_filter = ("code_insee",)
    search_fields = ("nom_voie",)
    show_full_result_count = False
