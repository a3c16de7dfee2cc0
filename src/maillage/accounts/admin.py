from django.contrib import admin

from . import models
from .admin_history import HistoryAdminMixin
from .backends import AdminLoginForm

# /admin/login/ says « trop de tentatives » as /connexion/ does (one rate limit, the backend's).
admin.site.login_form = AdminLoginForm


@admin.register(models.Membership)
class MembershipAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["user", "territory", "role", "organisation"]
    list_filter = ["territory", "role"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash", "created_at"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at"]


@admin.register(models.ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "object_repr", "content_type", "user"]
    list_filter = ["action", "content_type", "territory"]
    search_fields = ["object_repr"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "object_repr", "proposed_by", "status"]
    list_filter = ["status", "territory"]


@admin.register(models.LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ["created_at", "username", "ip"]
