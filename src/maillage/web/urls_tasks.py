"""URLs of the documents prepared in the background (``web/views/tasks.py``, ADR 0010)."""

from django.urls import path

from .views import tasks as t

T = "territoire/<slug:slug>/documents/"

urlpatterns = [
    path(f"{T}bilan.<str:fmt>", t.bilan_start, name="job-bilan"),
    path(f"{T}diagnostic.<str:fmt>", t.diagnostic_start, name="job-diagnostic"),
    path(f"{T}guide/", t.guide_page, name="job-guide"),
    path(f"{T}copil.<str:fmt>", t.copil_start, name="job-copil"),
    path(f"{T}<uuid:job_id>/", t.job_page, name="job"),
    path(f"{T}<uuid:job_id>/etat.json", t.job_status_json, name="job-status"),
    path(f"{T}<uuid:job_id>/fichier", t.job_download, name="job-file"),
]
