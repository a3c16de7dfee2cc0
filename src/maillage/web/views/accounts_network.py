"""Partners' space, network part: working groups, members, meetings (iCalendar feed, minutes
feeding the journal) and the shared toolbox (checked uploads, served as attachments)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts import permissions as perms
from maillage.accounts.versioning import StaleVersion, version_of
from maillage.directory.models import CtgTheme
from maillage.network import ical
from maillage.network import selectors as net
from maillage.network import services as net_services
from maillage.network.models import ToolboxItem, WorkingGroup
from maillage.territory.models import Territory

from ..csp import ATTACHMENT_CSP
from ..decorators import COORDINATOR, MEMBER, territory_view
from ..form_errors import service_errors_to_form
from ..forms import network as nf
from ..forms.concurrency import VERSION, show_stale

# --------------------------------------------------------------------------- groups


@territory_view(role=MEMBER)
def groups_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    coordinator = perms.is_coordinator(request.user, territory)
    form = nf.GroupForm(request.POST or None, territory=territory)
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied(_g("Action réservée au chargé de coopération."))
        if form.is_valid():
            d = form.cleaned_data
            try:
                group = net_services.group_create(
                    territory=territory,
                    user=request.user,
                    name=d["name"],
                    kind=d["kind"],
                    theme=d["theme"],
                    axes=list(d["axes"]),
                    description=d["description"],
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                return redirect("web:group", territory.slug, group.pk)
    return render(
        request,
        "network/groups.html",
        {
            "territory": territory,
            "groups": net.groups(territory=territory),
            "form": form,
            "coordinator": coordinator,
        },
        status=400 if form.errors else 200,
    )


def _group(territory: Any, pk: int) -> WorkingGroup:
    group = net.groups(territory=territory).filter(pk=pk).first()
    if group is None:
        raise Http404(_g("Groupe introuvable."))
    return group


@territory_view(role=MEMBER)
def group_page(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    return _group_page(request, territory, pk)


def _group_page(
    request: HttpRequest, territory: Territory, pk: int, forms_: dict | None = None
) -> HttpResponse:
    group = _group(territory, pk)
    forms_ = forms_ or {}
    return render(
        request,
        "network/group.html",
        {
            "territory": territory,
            "group": group,
            "meetings": group.meetings.all(),
            "coordinator": perms.is_coordinator(request.user, territory),
            "member_form": forms_.get("member") or nf.MemberForm(territory=territory),
            "meeting_form": forms_.get("meeting") or nf.MeetingForm(),
        },
        status=400 if forms_ else 200,
    )


@require_POST
@territory_view(role=COORDINATOR)
def member_add(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    group = _group(territory, pk)
    form = nf.MemberForm(request.POST, territory=territory)
    if form.is_valid():
        try:
            net_services.member_add(group=group, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            return redirect("web:group", territory.slug, pk)
    return _group_page(request, territory, pk, forms_={"member": form})


@require_POST
@territory_view(role=COORDINATOR)
def member_remove(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    from maillage.network.models import GroupMember

    member = GroupMember.objects.filter(group__territory=territory, pk=pk).first()
    if member is None:
        raise Http404(_g("Membre introuvable."))
    group_id = member.group_id
    net_services.member_remove(member=member, user=request.user)
    messages.success(request, _g("Membre retiré du groupe."))
    return redirect("web:group", territory.slug, group_id)


@require_POST
@territory_view(role=COORDINATOR)
def meeting_add(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    group = _group(territory, pk)
    form = nf.MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = net_services.meeting_save(group=group, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            return redirect("web:meeting", territory.slug, meeting.pk)
    return _group_page(request, territory, pk, forms_={"meeting": form})


def _meeting(territory: Any, pk: int) -> Any:
    meeting = net.meetings(territory=territory).filter(pk=pk).first()
    if meeting is None:
        raise Http404(_g("Réunion introuvable."))
    return meeting


@require_POST
@territory_view(role=COORDINATOR)
def meeting_edit(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Reschedule or rename a meeting (its iCalendar SEQUENCE goes up)."""
    meeting = _meeting(territory, pk)
    form = nf.MeetingForm(request.POST, prefix="edit")
    if form.is_valid():
        try:
            net_services.meeting_save(
                group=meeting.group, user=request.user, meeting=meeting, **form.cleaned_data
            )
        except StaleVersion as exc:
            show_stale(form, exc)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _g("Réunion modifiée."))
            return redirect("web:meeting", territory.slug, pk)
    return _meeting_page(request, territory, pk, edit_form=form)


@territory_view(role=MEMBER)
def meeting_page(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    return _meeting_page(request, territory, pk)


def _meeting_page(
    request: HttpRequest, territory: Territory, pk: int, edit_form: Any = None
) -> HttpResponse:
    meeting = _meeting(territory, pk)
    coordinator = perms.is_coordinator(request.user, territory)
    form = nf.MinutesForm(
        (request.POST or None) if edit_form is None else None,
        initial={
            "minutes": meeting.minutes,
            "participants": meeting.participants,
            VERSION: version_of(meeting),
        },
    )
    if request.method == "POST" and edit_form is None:
        if not coordinator:
            raise PermissionDenied(_g("Action réservée au chargé de coopération."))
        if form.is_valid():
            try:
                net_services.meeting_record_minutes(
                    meeting=meeting, user=request.user, **form.cleaned_data
                )
            except StaleVersion as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, _g("Compte rendu enregistré et reporté au journal."))
                return redirect("web:meeting", territory.slug, pk)
    return render(
        request,
        "network/meeting.html",
        {
            "territory": territory,
            "meeting": meeting,
            "form": form,
            "coordinator": coordinator,
            "edit_form": edit_form
            or nf.MeetingForm(
                prefix="edit",
                initial={
                    "title": meeting.title,
                    "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
                    "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
                    "location": meeting.location,
                    "agenda": meeting.agenda,
                    VERSION: version_of(meeting),
                },
            ),
        },
        status=400 if form.errors or (edit_form is not None and edit_form.errors) else 200,
    )


@require_safe
@territory_view
def meetings_ics(request: HttpRequest, territory: Territory) -> HttpResponse:
    """iCalendar feed: times, titles and places for everyone; the agenda for members."""
    body = ical.calendar(
        meetings=net.meetings(territory=territory).order_by("starts_at"),
        name=_g("Réunions CTG %(name)s") % {"name": territory.name},
        host=request.get_host().split(":")[0],
        with_agenda=perms.is_member(request.user, territory),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="reunions-{territory.slug}.ics"'
    return response


# --------------------------------------------------------------------------- toolbox


@territory_view
def toolbox_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    audience = request.GET.get("public", "")
    theme = request.GET.get("theme", "")
    audience = audience if audience in ToolboxItem.Audience.values else ""
    theme = theme if theme in CtgTheme.values else ""
    can_add = perms.role_of(request.user, territory) in (perms.COORDINATOR, perms.PARTNER)
    form = nf.ToolboxForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not can_add:
            raise PermissionDenied(_g("Dépôt réservé au chargé de coopération et aux partenaires."))
        if form.is_valid():
            d = form.cleaned_data
            upload = d.pop("file")
            try:
                net_services.toolbox_add(
                    territory=territory,
                    user=request.user,
                    data=upload.read() if upload else None,
                    filename=upload.name if upload else "",
                    **d,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, _g("Ressource ajoutée à la boîte à outils."))
                return redirect("web:toolbox", territory.slug)
    return render(
        request,
        "network/toolbox.html",
        {
            "territory": territory,
            "items": net.toolbox_items(
                territory=territory, user=request.user, audience=audience, theme=theme
            ),
            "audiences": ToolboxItem.Audience.choices,
            "themes": CtgTheme.choices,
            "audience": audience,
            "theme": theme,
            "form": form if can_add else None,
            "coordinator": perms.is_coordinator(request.user, territory),
        },
        status=400 if form.errors else 200,
    )


@require_safe
@territory_view
def toolbox_download(
    request: HttpRequest, territory: Territory, pk: int
) -> HttpResponseRedirect | FileResponse:
    """Serve a document as an attachment (never rendered inline by the browser)."""
    item = net.toolbox_item_get(territory=territory, user=request.user, pk=pk)
    if item is None:
        raise Http404(_g("Ressource introuvable."))
    if item.url:
        return HttpResponseRedirect(item.url)
    if not item.file:
        raise Http404(_g("Fichier introuvable."))
    try:
        handle = item.file.open("rb")
    except (OSError, ValueError) as exc:  # the row outlived its file
        raise Http404(_g("Fichier de la ressource introuvable.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name or "document",
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cache-Control"] = "private, no-store" if not item.published else "private"
    return response


@require_POST
@territory_view
def toolbox_delete(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    item = ToolboxItem.objects.filter(territory=territory, pk=pk).first()
    if item is None:
        raise Http404(_g("Ressource introuvable."))
    net_services.toolbox_delete(item=item, user=request.user)
    messages.success(request, _g("Ressource supprimée."))
    return redirect("web:toolbox", territory.slug)
