"""Root URLs: public site, partners' space, admin and API."""

from django.contrib import admin
from django.urls import include, path

from maillage.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("maillage.web.urls")),
]
