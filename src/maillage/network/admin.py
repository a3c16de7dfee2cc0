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


_INVITATION_FIELDS = ("organisation", "recipients", "sent_at", "reminded_at", "answered_at")


class CampaignInvitationInline(admin.TabularInline):
    model = models.CampaignInvitation
    extra = 0
    fields = _INVITATION_FIELDS
    readonly_fields = _INVITATION_FIELDS
    can_delete = False


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "created_at", "expires_at"]
    list_filter = ["territory"]
    inlines = [CampaignInvitationInline]


@admin.register(models.CampaignInvitation)
class CampaignInvitationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "campaign", "sent_at", "reminders", "answered_at"]
    list_filter = ["campaign"]
    readonly_fields = ["respondent"]


@admin.register(models.CampaignLink)
class CampaignLinkAdmin(admin.ModelAdmin):
    """Links are listed (channel, date), never shown: only their token's hash is stored."""

    list_display = ["invitation", "channel", "created_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201 — Django's signature
        return False


@admin.register(models.CampaignAnswer)
class CampaignAnswerAdmin(admin.ModelAdmin):
    list_display = ["invitation", "respondent_name", "submitted_at"]
