"""URLs of the update campaigns: the coordinator's pages and the partner's link."""

from django.urls import path

from .views import campaigns as c

T = "territoire/<slug:slug>/espace/campagnes/"

urlpatterns = [
    path(T, c.campaigns_page, name="campaigns"),
    path(T + "<id:pk>/", c.campaign_page, name="campaign"),
    path(T + "<id:pk>/relancer/", c.campaign_remind, name="campaign-remind"),
    path(T + "<id:pk>/imprimer/", c.campaign_print, name="campaign-print"),
    # The partner's form: the link's token is its only credential.
    path("campagne/<str:token>/", c.campaign_answer, name="campaign-answer"),
    path("campagne/<str:token>/adresse/", c.campaign_geocode, name="campaign-geocode"),
]
