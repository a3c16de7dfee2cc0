"""Read-only admin of the audience counters (aggregates, nothing about visitors)."""

from typing import Any

from django.contrib import admin

from .models import DailyCount


@admin.register(DailyCount)
class DailyCountAdmin(admin.ModelAdmin):
    list_display = ("day", "territory", "kind", "key", "count")
    list_filter = ("kind", "territory")
    date_hierarchy = "day"
    readonly_fields = [f.name for f in DailyCount._meta.fields]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False
