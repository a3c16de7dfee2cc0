"""Read-only admin of the background jobs (what was asked, by whom, its state and message)."""

from django.contrib import admin

from .models import Job, TerritoryClaim


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "territory", "kind", "state", "requested_by", "filename")
    list_filter = ("kind", "state", "territory")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ARG002
        return False


@admin.register(TerritoryClaim)
class TerritoryClaimAdmin(admin.ModelAdmin):
    """A load of a territory in progress; deleting the row frees a claim left by a stopped
    worker before it goes stale (6 h)."""

    list_display = ("slug", "claimed_at", "job")
    readonly_fields = ("slug", "claimed_at", "job")

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ARG002
        return False
