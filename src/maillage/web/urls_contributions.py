"""URLs of the residents' contributions (« Signaler une erreur », « Proposer un lieu ») and of
the coordinator's queue."""

from django.urls import path

from .views import contributions as c

T = "territoire/<slug:slug>/"

urlpatterns = [
    path(T + "structures/<id:pk>/signaler/", c.report_error, name="report-error"),
    path(T + "annuaire/proposer-un-lieu/", c.propose_place, name="propose-place"),
    path(T + "contribution-envoyee/", c.thanks, name="contribution-thanks"),
    path(T + "espace/signalements/", c.reports_queue, name="resident-reports"),
    path(T + "espace/signalements/<id:pk>/", c.report_detail, name="resident-report"),
    path(T + "espace/concertations/", c.consultations_page, name="consultations"),
    path(T + "espace/concertations/<id:pk>/", c.consultation_results, name="consultation-results"),
    path(T + "concertations/<id:pk>/", c.consultation_answer, name="consultation-answer"),
]
