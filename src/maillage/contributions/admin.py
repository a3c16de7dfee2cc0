from django.contrib import admin

from .models import ResidentReport, SubmissionMark


@admin.register(ResidentReport)
class ResidentReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "territory", "kind", "status")
    list_filter = ("kind", "status", "territory")
    # Decisions go through the partners' space (services: mails, draft structure, erasure).
    readonly_fields = [f.name for f in ResidentReport._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(SubmissionMark)
class SubmissionMarkAdmin(admin.ModelAdmin):
    list_display = ("created_at", "address_key")
    readonly_fields = ("address_key", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False
