"""URLs of the audience measurement (contact-click beacon, audience page and its charts) and
of the printable A4 poster of a fiche (a communication support)."""

from django.urls import path

from .views import usage

T = "territoire/<slug:slug>/"

urlpatterns = [
    path(T + "mesure/<str:kind>/<id:pk>/", usage.contact_click, name="usage-click"),
    path(T + "espace/audience/", usage.audience_page, name="usage-audience"),
    path(
        T + "espace/audience/supports/journal/",
        usage.support_journal,
        name="usage-support-journal",
    ),
    path(T + "structures/<id:pk>/affiche.pdf", usage.structure_poster, name="structure-poster"),
    path(T + "widget/", usage.directory_widget, name="directory-widget"),
    path(
        T + "espace/audience/graphique-<str:name>.svg",
        usage.audience_chart,
        name="usage-audience-chart",
    ),
]
