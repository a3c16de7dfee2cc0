"""Admin of the directory.

The admin writes models directly (no service): :class:`HistoryAdminMixin` keeps its edits in the
change history and :class:`SearchRefreshAdminMixin` brings the structures' derived data (search
text, Lambert-93 position, zones) and the territory's ``data_version`` up to date after each save
or deletion (:func:`maillage.directory.derived.structures_refreshed`), so the search (an in-memory
index keyed on ``data_version``) shows the edit at once.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.contrib import admin
from django.db import models as db_models
from django.forms import ModelForm
from django.http import HttpRequest

from maillage.accounts.admin_history import HistoryAdminMixin

from . import models
from .derived import structures_refreshed


class SearchRefreshAdminMixin:
    """Put first in the bases: ``class X(SearchRefreshAdminMixin, HistoryAdminMixin, ModelAdmin)``.

    Subclasses say which structures an edit of their objects concerns (:meth:`refreshed`).
    """

    def refreshed(
        self, objs: list[Any], form: ModelForm | None = None
    ) -> AbstractContextManager[None]:
        raise NotImplementedError

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        # Many-to-many fields and inlines (a structure's services) are saved here.
        with self.refreshed([form.instance], form):
            super().save_related(request, form, formsets, change)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: db_models.Model) -> None:
        with self.refreshed([obj]):
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: db_models.QuerySet) -> None:
        with self.refreshed(list(queryset)):
            super().delete_queryset(request, queryset)  # type: ignore[misc]


@admin.register(models.Typology)
class TypologyAdmin(SearchRefreshAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "family", "theme", "age_min", "age_max", "childcare"]
    list_filter = ["theme", "childcare"]
    search_fields = ["label", "code"]

    def refreshed(self, objs, form=None):
        return structures_refreshed(typology_ids=[o.pk for o in objs])


@admin.register(models.Organisation)
class OrganisationAdmin(SearchRefreshAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "siret"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]

    def refreshed(self, objs, form=None):
        return structures_refreshed(organisation_ids=[o.pk for o in objs])


class ServiceInline(admin.StackedInline):
    model = models.Service
    extra = 0


@admin.register(models.Structure)
class StructureAdmin(SearchRefreshAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "typology", "commune", "position_precision", "source", "published"]
    list_filter = ["territory", "typology", "position_precision", "published", "source"]
    search_fields = ["name", "uai", "siret", "finess", "address"]
    filter_horizontal = ["zones"]
    inlines = [ServiceInline]

    def refreshed(self, objs, form=None):
        # A structure moved to another territory leaves the former one (saved before this).
        before = form.initial.get("territory") if form is not None else None
        return structures_refreshed(structure_ids=[o.pk for o in objs], territory_ids=[before])


@admin.register(models.Service)
class ServiceAdmin(SearchRefreshAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "structure", "capacity", "age_min", "age_max", "published"]
    list_filter = ["published"]
    search_fields = ["name", "structure__name"]

    def refreshed(self, objs, form=None):
        ids = [o.structure_id for o in objs]
        if form is not None:  # a service moved to another structure leaves the former one
            ids.append(form.initial.get("structure"))
        return structures_refreshed(structure_ids=ids)


@admin.register(models.PositionProposal)
class PositionProposalAdmin(admin.ModelAdmin):
    """Geocoder proposals of « Compléter l'offre » (accepted or rejected on that page)."""

    list_display = ("structure", "label", "score", "source", "status", "created_at")
    list_filter = ("status", "source")
    readonly_fields = ("created_at", "decided_at")
