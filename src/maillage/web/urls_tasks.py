"""URLs of the documents prepared in the background (``web/views/tasks.py``, ADR 0010), and of
the administrators' territory builds (``web/views/territory_create.py``)."""

from django.urls import path

from .views import tasks as t
from .views import territory_create as tc

T = "territoire/<slug:slug>/documents/"
A = "administration/territoires/creer/"

urlpatterns = [
    path(f"{T}bilan.<str:fmt>", t.bilan_start, name="job-bilan"),
    path(f"{T}diagnostic.<str:fmt>", t.diagnostic_start, name="job-diagnostic"),
    path(f"{T}guide/", t.guide_page, name="job-guide"),
    path(f"{T}copil.<str:fmt>", t.copil_start, name="job-copil"),
    path(f"{T}<uuid:job_id>/", t.job_page, name="job"),
    path(f"{T}<uuid:job_id>/etat.json", t.job_status_json, name="job-status"),
    path(f"{T}<uuid:job_id>/fichier", t.job_download, name="job-file"),
    path(A, tc.territory_create_page, name="territory-create"),
    path(f"{A}<uuid:job_id>/", tc.territory_job_page, name="territory-job"),
    path(f"{A}<uuid:job_id>/etat.json", tc.territory_job_status, name="territory-job-status"),
    path(f"{A}<uuid:job_id>/fichier", tc.territory_job_download, name="territory-job-file"),
]
