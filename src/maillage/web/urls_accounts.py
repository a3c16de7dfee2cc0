"""URLs of the accounts pages: login, invitation, partners' space, history, network, RGPD."""

from django.urls import path

from .views import accounts as v
from .views import accounts_drafts as d
from .views import accounts_network as n
from .views import accounts_tokens as tk
from .views import portfolio as pf

T = "territoire/<slug:slug>/"

urlpatterns = [
    # Authentication (Django's auth views, French templates)
    path("connexion/", v.LoginView.as_view(), name="login"),
    path("deconnexion/", v.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", v.PasswordResetView.as_view(), name="password-reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        v.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        v.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        v.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("invitation/<str:token>/", v.invitation, name="invitation"),
    path("espace/", v.account, name="account"),
    path("espace/jetons/", tk.tokens_page, name="tokens"),
    path("espace/jetons/<id:pk>/revoquer/", tk.token_revoke, name="token-revoke"),
    path("donnees-personnelles/", v.rgpd, name="rgpd"),
    # The territories a user follows, side by side (the CAF adviser's portfolio)
    path("portefeuille/", pf.portfolio_page, name="portfolio"),
    path("portefeuille/export.<str:fmt>", pf.portfolio_export, name="portfolio-export"),
    # Partners' space of a territory
    path(T + "espace/", v.partner_space, name="partner-space"),
    path(T + "espace/utilisateurs/", v.users_page, name="users"),
    path(
        T + "espace/utilisateurs/<id:pk>/retirer/",
        v.membership_remove_view,
        name="membership-remove",
    ),
    path(T + "espace/structures/<id:pk>/modifier/", v.structure_edit, name="structure-edit"),
    path(
        T + "espace/structures/<id:pk>/confirmer/",
        v.structure_confirm_view,
        name="structure-confirm",
    ),
    path(T + "espace/services/<id:pk>/modifier/", v.service_edit, name="service-edit"),
    # New places and services (drafts for a partner), published by the coordinator
    path(T + "espace/structures/nouvelle/", d.structure_new, name="structure-new"),
    path(T + "espace/structures/<id:pk>/services/nouveau/", d.service_new, name="service-new"),
    path(T + "espace/structures/<id:pk>/publier/", d.structure_publish, name="structure-publish"),
    path(T + "espace/services/<id:pk>/publier/", d.service_publish, name="service-publish"),
    path(T + "espace/propositions/<id:pk>/", v.pending_detail, name="pending-change"),
    path(T + "historique/restaurer/<id:pk>/", v.history_restore, name="history-restore"),
    path(
        T + "historique/<str:content_type>/<id:object_id>/",
        v.history,
        name="history",
    ),
    # Network: working groups, meetings, toolbox
    path(T + "espace/groupes/", n.groups_page, name="groups"),
    path(T + "espace/groupes/<id:pk>/", n.group_page, name="group"),
    path(T + "espace/groupes/<id:pk>/membres/", n.member_add, name="group-member-add"),
    path(T + "espace/groupes/<id:pk>/reunions/", n.meeting_add, name="meeting-add"),
    path(T + "espace/membres/<id:pk>/retirer/", n.member_remove, name="group-member-remove"),
    path(T + "espace/reunions/<id:pk>/", n.meeting_page, name="meeting"),
    path(T + "espace/reunions/<id:pk>/modifier/", n.meeting_edit, name="meeting-edit"),
    path(T + "reunions.ics", n.meetings_ics, name="meetings-ics"),
    path(T + "boite-a-outils/", n.toolbox_page, name="toolbox"),
    path(T + "boite-a-outils/<id:pk>/telecharger/", n.toolbox_download, name="toolbox-download"),
    path(T + "boite-a-outils/<id:pk>/supprimer/", n.toolbox_delete, name="toolbox-delete"),
]
