"""URLs of the directory pages."""

from django.urls import path

from .views import directory, directory_guide, directory_pro

urlpatterns = [
    path("territoire/<slug:slug>/annuaire/", directory.directory_search, name="directory"),
    path(
        "territoire/<slug:slug>/structures/<id:pk>/",
        directory.structure_detail,
        name="structure",
    ),
    path("territoire/<slug:slug>/parcours/", directory.parcours_view, name="parcours"),
    path("territoire/<slug:slug>/pro/annuaire/", directory_pro.pro_directory, name="pro-directory"),
    path("territoire/<slug:slug>/qualite/", directory_pro.quality, name="quality"),
    path(
        "territoire/<slug:slug>/qualite/structures/<id:pk>/position/",
        directory_pro.structure_place_view,
        name="structure-place",
    ),
    path("territoire/<slug:slug>/guide.pdf", directory_guide.guide_pdf, name="guide-pdf"),
]
