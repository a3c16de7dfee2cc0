from django.contrib import admin

from .models import (
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    ResidentReport,
    SubmissionMark,
)


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


class ConsultationQuestionInline(admin.TabularInline):
    model = ConsultationQuestion
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "territory", "zone", "status", "created_at")
    list_filter = ("status", "territory")
    inlines = [ConsultationQuestionInline]


@admin.register(ConsultationQuestion)
class ConsultationQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "consultation", "kind")


@admin.register(ConsultationAnswer)
class ConsultationAnswerAdmin(admin.ModelAdmin):
    list_display = ("consultation", "zone", "answered_on")
    readonly_fields = ("consultation", "zone", "answered_on", "values")

    def has_add_permission(self, request: object) -> bool:
        return False
