"""« Mes jetons » : a logged-in user's own API tokens — list with creation date and last use,
creation (the secret shown once), revocation after a confirmation page (POST + CSRF).

A user only ever reaches their own tokens: another user's token is « introuvable » (404), for
the coordinator as for anyone (revoking someone else's token stays in the Django admin).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from maillage.accounts import selectors as acc_selectors
from maillage.accounts import services as acc_services

from .accounts import _login_required


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du nouveau jeton"),
        max_length=100,
        required=False,  # the service says why an empty name is refused
        help_text=_("Son usage, pour le reconnaître ensuite (ex. « import nocturne »)."),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def tokens_page(request: HttpRequest) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    form = TokenForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = acc_services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("name", exc.messages):
                form.add_error("name", message)
        else:
            form = TokenForm()
    if form.errors:
        status = 400
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": acc_selectors.api_tokens(user=request.user),
            "current": "tokens",
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST: revoke."""
    if denied := _login_required(request):
        return denied
    token = acc_selectors.api_token_of(user=request.user, pk=pk)
    if token is None:
        raise Http404(_g("Jeton introuvable."))
    if request.method == "POST":
        acc_services.api_token_revoke(token=token, by=request.user)
        messages.success(
            request,
            _g("Jeton « %(name)s » révoqué : il est refusé dès maintenant.") % {"name": token.name},
        )
        return redirect("web:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token, "current": "tokens"})
