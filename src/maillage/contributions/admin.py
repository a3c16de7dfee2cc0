from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from maillage.territory.models import Territory
from maillage.territory.services import territory_touch

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
    """Edits bump the territory's data version: the directory's « Donnez votre avis » box (read
    once per version) shows them at once."""

    list_display = ("title", "territory", "zone", "status", "created_at")
    list_filter = ("status", "territory")
    inlines = [ConsultationQuestionInline]

    def save_model(self, request: HttpRequest, obj: Consultation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        territory_touch(territory=obj.territory)

    def delete_model(self, request: HttpRequest, obj: Consultation) -> None:
        super().delete_model(request, obj)
        territory_touch(territory=obj.territory)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Consultation]) -> None:
        territories = list(Territory.objects.filter(consultations__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for territory in territories:
            territory_touch(territory=territory)


@admin.register(ConsultationQuestion)
class ConsultationQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "consultation", "kind")


@admin.register(ConsultationAnswer)
class ConsultationAnswerAdmin(admin.ModelAdmin):
    list_display = ("consultation", "zone", "answered_on")
    readonly_fields = ("consultation", "zone", "answered_on", "values")

    def has_add_permission(self, request: object) -> bool:
        return False
