"""URLs of « Importer un plan » and the plan spreadsheet downloads (template, export)."""

from django.urls import path

from .views import plan_import

T = "territoire/<slug:slug>/"

urlpatterns = [
    path(f"{T}plan/importer/", plan_import.plan_import_page, name="plan-import"),
    path(f"{T}plan/modele.<str:fmt>", plan_import.plan_template_download, name="plan-template"),
    path(f"{T}plan/export.<str:fmt>", plan_import.plan_export_download, name="plan-export"),
]
