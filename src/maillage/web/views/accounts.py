"""Partners' space: login (rate-limited), invitation, dashboard, structure and service edits
(partners' edits of published data wait for validation), review of proposals, history and
restore, users, RGPD page. New places and their drafts: :mod:`.accounts_drafts`.

Thin views: parse with a form, call one service or selector of :mod:`maillage.accounts`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _g
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts import permissions as perms
from maillage.accounts import ratelimit
from maillage.accounts import selectors as acc_selectors
from maillage.accounts import services as acc_services
from maillage.accounts.history import object_history, restore_change_report
from maillage.accounts.models import ChangeRecord, Membership
from maillage.accounts.versioning import StaleVersion, version_of
from maillage.directory.models import Service, Structure
from maillage.directory.selectors import directory_drafts
from maillage.network.selectors import reminder_months, structures_to_check
from maillage.network.services import structure_confirm
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, MEMBER, StrOrPromise, territory_view
from ..form_errors import service_errors_to_form
from ..forms import accounts as af
from ..forms.concurrency import VERSION, changed_fields, show_stale
from ..site_url import absolute_url

# --------------------------------------------------------------------------- authentication


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = af.LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("web:account")


class LogoutView(auth_views.LogoutView):
    next_page = "web:home"  # a URL name: LogoutView resolves it (resolve_url)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/reinitialisation_formulaire.html"
    email_template_name = "registration/reinitialisation_courriel.txt"
    subject_template_name = "registration/reinitialisation_sujet.txt"
    success_url = reverse_lazy("web:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reinitialisation_envoyee.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reinitialisation_confirmation.html"
    success_url = reverse_lazy("web:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        ratelimit.clear(username=form.user.get_username())  # the new password works at once
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reinitialisation_terminee.html"


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Set one's password from an invitation link, then log in."""
    invite = acc_services.invitation_get(token=token)
    if invite is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = af.PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = acc_services.invitation_accept(
                token=token, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("password", exc.messages):
                form.add_error("password1", message)
        else:
            auth_login(request, user, backend="maillage.accounts.backends.ThrottledModelBackend")
            messages.success(request, _g("Mot de passe enregistré : bienvenue !"))
            return redirect("web:account")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/invitation.html", {"form": form, "invite": invite}, status=status
    )


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@require_safe
def account(request: HttpRequest) -> HttpResponse:
    """The user's territories and roles (straight to the territory when there is one)."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    memberships = list(
        Membership.objects.filter(user=user).select_related("territory", "organisation")
    )
    if len(memberships) == 1:
        return redirect("web:partner-space", memberships[0].territory.slug)
    coordinated = []
    if not memberships:  # superuser, or staff without roles: coordinator everywhere
        from maillage.territory.models import Territory

        coordinated = [
            t for t in Territory.objects.order_by("name") if perms.is_coordinator(request.user, t)
        ]
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "coordinated": coordinated,
            "site_admin": perms.is_site_admin(user),
        },
    )


# --------------------------------------------------------------------------- partner space


@require_safe
@territory_view(role=MEMBER)
def partner_space(request: HttpRequest, territory: Territory) -> HttpResponse:
    user = request.user
    role = perms.role_of(user, territory)
    org_id = perms.organisation_id_of(user, territory)
    months = reminder_months()
    mine = []
    if role == perms.PARTNER and org_id:
        due = {
            d.structure.pk: d
            for d in structures_to_check(territory=territory, months=months, organisation_id=org_id)
        }
        for s in Structure.objects.filter(
            territory=territory, organisation_id=org_id
        ).prefetch_related("services"):
            mine.append((s, due.get(s.pk)))
    draft_structures, draft_services = (
        directory_drafts(territory=territory)
        if perms.can_view_drafts(user, territory)
        else ([], [])
    )
    context = {
        "territory": territory,
        "role": role,
        "role_label": dict(perms_roles()).get(role or "", ""),
        "membership": perms.membership_of(user, territory),
        "mine": mine,
        "can_declare": role == perms.COORDINATOR or bool(role == perms.PARTNER and org_id),
        "draft_structures": draft_structures,
        "draft_services": draft_services,
        "months": months,
        "pending": acc_selectors.pending_changes(territory=territory, user=user),
        "recent": (
            acc_selectors.recent_changes(territory=territory)
            if perms.can_view_drafts(user, territory)
            else []
        ),
        "due": (
            structures_to_check(territory=territory, months=months)[:50]
            if role == perms.COORDINATOR
            else []
        ),
    }
    return render(request, "accounts/space.html", context)


def perms_roles() -> list[tuple[str, StrOrPromise]]:
    from maillage.accounts.models import Role

    return list(Role.choices)


def _edit(
    request: HttpRequest, territory: Territory, obj: Any, form_class: type, title: str
) -> HttpResponse:
    """Shared edit flow: the form validates on a copy; the service applies or proposes."""
    if denied := _login_required(request):
        return denied
    if not perms.can_edit(request.user, obj):
        raise PermissionDenied(_g("Vous ne pouvez modifier que les fiches de votre organisation."))
    copy = type(obj)._default_manager.get(pk=obj.pk)  # the form mutates its instance
    form = form_class(request.POST or None, instance=copy, initial={VERSION: version_of(obj)})
    if request.method == "POST" and form.is_valid():
        fields = changed_fields(form)
        if not fields:
            messages.info(request, _g("Aucune modification."))
            return redirect("web:partner-space", territory.slug)
        try:
            applied, pending = acc_services.edit_or_propose(
                obj=obj, user=request.user, fields=fields, version=form.cleaned_data[VERSION]
            )
        except StaleVersion as exc:
            show_stale(form, exc)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            if pending is not None:
                messages.success(
                    request,
                    _g(
                        "Modification proposée : elle sera publiée après validation par le "
                        "chargé de coopération."
                    ),
                )
            else:
                messages.success(request, _g("Modification enregistrée."))
            return redirect("web:partner-space", territory.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/edit.html",
        {
            "territory": territory,
            "form": form,
            "obj": obj,
            "title": title,
            "needs_validation": perms.needs_validation(request.user, obj),
            "history_url": reverse(
                "web:history", args=[territory.slug, obj._meta.label_lower, obj.pk]
            ),
        },
        status=status,
    )


@territory_view
def structure_edit(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    structure = Structure.objects.filter(territory=territory, pk=pk).first()
    if structure is None:
        raise Http404(_g("Structure introuvable."))
    return _edit(request, territory, structure, af.StructureEditForm, _g("Modifier la fiche"))


@territory_view
def service_edit(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    service = (
        Service.objects.filter(structure__territory=territory, pk=pk)
        .select_related("structure")
        .first()
    )
    if service is None:
        raise Http404(_g("Service introuvable."))
    return _edit(request, territory, service, af.ServiceEditForm, _g("Modifier le service"))


@require_POST
@territory_view
def structure_confirm_view(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    structure = Structure.objects.filter(territory=territory, pk=pk).first()
    if structure is None:
        raise Http404(_g("Structure introuvable."))
    structure_confirm(structure=structure, user=request.user)
    messages.success(request, _g("Fiche « %(name)s » confirmée à jour.") % {"name": structure})
    return redirect("web:partner-space", territory.slug)


@territory_view
def pending_detail(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """A proposal with its diff; the coordinator validates or refuses it."""
    if denied := _login_required(request):
        return denied
    change = acc_selectors.pending_change_get(territory=territory, user=request.user, pk=pk)
    if change is None:
        raise Http404(_g("Proposition introuvable."))
    can_review = perms.is_coordinator(request.user, territory)
    form = af.ReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied(_g("Validation réservée au chargé de coopération."))
        if form.is_valid():
            decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
            try:
                if decision == "validate":
                    acc_services.validate_change(change=change, user=request.user, comment=comment)
                    messages.success(request, _g("Modification validée et publiée."))
                else:
                    acc_services.reject_change(change=change, user=request.user, comment=comment)
                    messages.success(request, _g("Proposition refusée."))
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("web:partner-space", territory.slug)
    rows = acc_services.pending_rows(change)
    return render(
        request,
        "accounts/pending.html",
        {
            "territory": territory,
            "change": change,
            "rows": rows,
            "form": form,
            "can_review": can_review,
        },
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- history


def _history_object(territory: Any, label: str, object_id: str) -> tuple[Any, Any]:
    ct = acc_selectors.content_type_get(label=label)
    model = ct.model_class() if ct else None
    if model is None or not model.__module__.startswith("maillage."):
        raise Http404(_g("Type d'objet inconnu."))
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is not None and getattr(perms.territory_of(obj), "pk", None) != territory.pk:
        raise Http404(_g("Objet introuvable sur ce territoire."))
    if (
        obj is None
        and not ChangeRecord.objects.filter(
            territory=territory, content_type=ct, object_id=str(object_id)
        ).exists()
    ):
        raise Http404(_g("Objet introuvable sur ce territoire."))
    return ct, obj


@require_safe
@territory_view
def history(
    request: HttpRequest, territory: Territory, content_type: str, object_id: str
) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    ct, obj = _history_object(territory, content_type, object_id)
    if not perms.can_view_history(request.user, obj, territory):
        raise PermissionDenied(_g("Historique réservé aux partenaires du territoire."))
    entries = object_history(content_type=ct, object_id=object_id)
    return render(
        request,
        "accounts/history.html",
        {
            "territory": territory,
            "obj": obj,
            "entries": entries,
            "label": entries[0].record.object_repr if entries else str(obj or ""),
            "can_restore": perms.is_coordinator(request.user, territory),
        },
    )


@require_POST
@territory_view
def history_restore(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    record = ChangeRecord.objects.filter(territory=territory, pk=pk).first()
    if record is None:
        raise Http404(_g("Version introuvable."))
    side = "after" if request.POST.get("side") == "after" else "before"
    try:
        report = restore_change_report(record=record, user=request.user, side=side)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _g("Version restaurée (la restauration est dans l'historique)."))
        if report.missing:
            messages.warning(request, report.message)
    label = f"{record.content_type.app_label}.{record.content_type.model}"
    return redirect("web:history", territory.slug, label, record.object_id)


# --------------------------------------------------------------------------- users


@territory_view(role=COORDINATOR)
def users_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = af.InviteForm(request.POST or None, territory=territory)
    link = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, token = acc_services.user_invite(
                email=d["email"],
                territory=territory,
                role=d["role"],
                organisation=d["organisation"],
                by=request.user,
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            link = absolute_url(reverse("web:invitation", args=[token]), request=request)
            acc_services.invitation_send(user=user, link=link, territory=territory)
            messages.success(request, _g("Invitation envoyée à %(email)s.") % {"email": user.email})
            form = af.InviteForm(territory=territory)
    return render(
        request,
        "accounts/users.html",
        {
            "territory": territory,
            "form": form,
            "memberships": acc_selectors.memberships(territory=territory),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
@territory_view(role=COORDINATOR)
def membership_remove_view(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    membership = Membership.objects.filter(territory=territory, pk=pk).first()
    if membership is None:
        raise Http404(_g("Rôle introuvable."))
    try:
        acc_services.membership_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _g("Rôle retiré."))
    return redirect("web:users", territory.slug)


@require_safe
def rgpd(request: HttpRequest) -> HttpResponse:
    from maillage.accounts.ratelimit import KEEP_HOURS

    return render(request, "accounts/rgpd.html", {"keep_hours": KEEP_HOURS})
