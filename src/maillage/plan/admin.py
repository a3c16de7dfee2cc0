"""Admin of the plan app."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    Modality,
    Objective,
    Partner,
    ZoneBlanche,
)


class AxisInline(admin.TabularInline):
    model = Axis
    fields = ["number", "title"]
    extra = 0


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "period_start", "period_end", "status"]
    inlines = [AxisInline]


class ObjectiveInline(admin.StackedInline):
    model = Objective
    extra = 0


class ModalityInline(admin.TabularInline):
    model = Modality
    extra = 0


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "convention"]
    list_filter = ["convention"]
    inlines = [ObjectiveInline, ModalityInline]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "axis"]
    list_filter = ["axis__convention", "axis"]


@admin.register(Modality)
class ModalityAdmin(admin.ModelAdmin):
    list_display = ["text", "axis"]
    list_filter = ["axis"]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "unit"]
    list_filter = ["kind", "axis"]
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "value"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "value", "author", "updated_at"]
    list_filter = ["year"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "due_date", "owner", "status", "axis"]
    list_filter = ["status", "axis"]


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "territory"]
    search_fields = ["name"]


@admin.register(ZoneBlanche)
class ZoneBlancheAdmin(admin.ModelAdmin):
    list_display = ["zone", "territory"]


class AttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "kind", "participants", "is_fictional"]
    list_filter = ["territory", "kind", "axes", "is_fictional"]
    search_fields = ["title", "description"]
    date_hierarchy = "date"
    filter_horizontal = ["axes", "objectives", "partners", "zones"]
    inlines = [AttachmentInline]


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "activity", "uploaded_at"]
