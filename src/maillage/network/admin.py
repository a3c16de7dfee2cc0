from django.contrib import admin
from django.db import models as db_models

from maillage.accounts.admin_history import HistoryAdminMixin

from . import models


class GroupMemberInline(admin.TabularInline):
    model = models.GroupMember
    extra = 0


@admin.register(models.WorkingGroup)
class WorkingGroupAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "theme", "territory"]
    list_filter = ["territory", "kind"]
    inlines = [GroupMemberInline]


@admin.register(models.GroupMember)
class GroupMemberAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "group", "organisation", "role"]
    search_fields = ["name"]


@admin.register(models.Meeting)
class MeetingAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["starts_at", "title", "group"]
    list_filter = ["group"]


@admin.register(models.ToolboxItem)
class ToolboxItemAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["title", "audience", "theme", "published", "territory"]
    list_filter = ["territory", "audience", "theme"]
    readonly_fields = ["original_name", "content_type", "size"]
    # Links are https unless written otherwise (Django 6's default; no deprecation warning).
    formfield_overrides = {db_models.URLField: {"assume_scheme": "https"}}


@admin.register(models.StructureCheck)
class StructureCheckAdmin(admin.ModelAdmin):
    list_display = ["structure", "checked_at", "checked_by"]


@admin.register(models.ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["user", "territory", "sent_at"]
