"""URLs of the directory pages."""

from django.urls import path

from .views import directory, directory_completion, directory_guide, directory_pro

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
    # « Compléter l'offre » (the coordinator locates the declared supply)
    path(
        "territoire/<slug:slug>/completer-l-offre/",
        directory_completion.complete_offer,
        name="complete-offer",
    ),
    path(
        "territoire/<slug:slug>/completer-l-offre/geocoder/",
        directory_completion.geocode_all,
        name="complete-offer-geocode-all",
    ),
    path(
        "territoire/<slug:slug>/completer-l-offre/structures/<id:pk>/adresse/",
        directory_completion.geocode_one,
        name="complete-offer-geocode",
    ),
    path(
        "territoire/<slug:slug>/completer-l-offre/structures/<id:pk>/carte/",
        directory_completion.click_place,
        name="complete-offer-click",
    ),
    path(
        "territoire/<slug:slug>/completer-l-offre/structures/<id:pk>/meme-lieu/",
        directory_completion.same_place,
        name="complete-offer-same",
    ),
    path(
        "territoire/<slug:slug>/completer-l-offre/structures/<id:pk>/repartir/",
        directory_completion.split,
        name="complete-offer-split",
    ),
    path(
        "territoire/<slug:slug>/completer-l-offre/propositions/<id:pk>/",
        directory_completion.proposal_decide,
        name="complete-offer-proposal",
    ),
]
