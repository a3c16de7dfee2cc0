"""Admin of the plan app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from maillage.accounts.admin_history import HistoryAdminMixin
from maillage.territory.services import territory_touch

from . import models
from .models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    JournalYear,
    Milestone,
    Modality,
    Objective,
    Partner,
    StudySubject,
    ZoneBlanche,
)


def _territory_of(obj: Any) -> Any:
    for path in (
        "territory",
        "convention.territory",
        "axis.convention.territory",
        "indicator.axis.convention.territory",
        "activity.territory",
    ):
        target = obj
        for attr in path.split("."):
            target = getattr(target, attr, None)
        if target is not None:
            return target
    return None


class TouchAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Admin writes bump the territory's data_version, like the services do (caches refresh),
    and are kept in the change history."""

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if (territory := _territory_of(form.instance)) is not None:
            territory_touch(territory=territory)

    def delete_model(self, request, obj) -> None:
        territory = _territory_of(obj)
        super().delete_model(request, obj)
        if territory is not None:
            territory_touch(territory=territory)

    def delete_queryset(self, request, queryset) -> None:
        territories = {t.pk: t for t in map(_territory_of, queryset) if t is not None}
        super().delete_queryset(request, queryset)
        for territory in territories.values():
            territory_touch(territory=territory)


class AxisInline(admin.TabularInline):
    model = Axis
    fields = ["number", "title"]
    extra = 0


@admin.register(Convention)
class ConventionAdmin(TouchAdmin):
    list_display = ["title", "territory", "period_start", "period_end", "status"]
    inlines = [AxisInline]


class ObjectiveInline(admin.StackedInline):
    model = Objective
    extra = 0


class ModalityInline(admin.TabularInline):
    model = Modality
    extra = 0


@admin.register(StudySubject)
class StudySubjectAdmin(TouchAdmin):
    list_display = ["number", "title", "convention"]
    list_filter = ["convention"]


@admin.register(JournalYear)
class JournalYearAdmin(TouchAdmin):
    list_display = ["territory", "year", "declared_by", "declared_at", "is_fictional"]
    list_filter = ["territory", "is_fictional"]
    readonly_fields = ["declared_by", "declared_at"]


@admin.register(Axis)
class AxisAdmin(TouchAdmin):
    list_display = ["number", "title", "convention"]
    list_filter = ["convention"]
    inlines = [ObjectiveInline, ModalityInline]


@admin.register(Objective)
class ObjectiveAdmin(TouchAdmin):
    list_display = ["__str__", "axis"]
    list_filter = ["axis__convention", "axis"]


@admin.register(Modality)
class ModalityAdmin(TouchAdmin):
    list_display = ["text", "axis"]
    list_filter = ["axis"]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(TouchAdmin):
    list_display = ["__str__", "kind", "unit"]
    list_filter = ["kind", "axis"]
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(TouchAdmin):
    list_display = ["indicator", "year", "value"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(TouchAdmin):
    list_display = ["indicator", "year", "value", "author", "updated_at"]
    list_filter = ["year"]


@admin.register(Milestone)
class MilestoneAdmin(TouchAdmin):
    list_display = ["title", "due_date", "owner", "status", "axis"]
    list_filter = ["status", "axis"]


@admin.register(ActivityKind)
class ActivityKindAdmin(TouchAdmin):
    list_display = ["name", "slug", "order"]


@admin.register(Partner)
class PartnerAdmin(TouchAdmin):
    list_display = ["name", "territory"]
    search_fields = ["name"]


@admin.register(ZoneBlanche)
class ZoneBlancheAdmin(TouchAdmin):
    list_display = ["zone", "territory"]


class AttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0


@admin.register(Activity)
class ActivityAdmin(TouchAdmin):
    list_display = ["date", "title", "kind", "participants", "is_fictional"]
    list_filter = ["territory", "kind", "axes", "is_fictional"]
    search_fields = ["title", "description"]
    date_hierarchy = "date"
    filter_horizontal = ["axes", "objectives", "partners", "zones"]
    inlines = [AttachmentInline]


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(TouchAdmin):
    list_display = ["name", "activity", "uploaded_at"]


admin.site.register([models.CopilMeeting, models.CopilDecision], TouchAdmin)  # COPIL (H4)


@admin.register(models.GapLink)
class GapLinkAdmin(TouchAdmin):
    list_display = ("__str__", "kind", "theme", "zone", "scenario")
    list_filter = ("kind",)


@admin.register(models.WhiteZoneSnapshot)
class WhiteZoneSnapshotAdmin(admin.ModelAdmin):
    """Relevés of the zones blanches kept when a COPIL deck is built: read only."""

    list_display = ("territory", "taken_on", "theme_label", "population")
    list_filter = ("territory", "theme")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
