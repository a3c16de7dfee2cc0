"""Forms of the network part of the partners' space: working groups, members, meetings and
their minutes, the shared toolbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import CtgTheme, Organisation
from maillage.network.models import ToolboxItem, WorkingGroup
from maillage.network.uploads import MAX_BYTES
from maillage.territory.models import Territory

from .concurrency import version_field
from .fields import form_field

if TYPE_CHECKING:
    from maillage.plan.models import Axis


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=200)
    kind = forms.ChoiceField(label=_("Nature"), choices=WorkingGroup.Kind.choices)
    theme = forms.ChoiceField(
        label=_("Thème CTG"), choices=[("", "—"), *CtgTheme.choices], required=False
    )
    axes: forms.ModelMultipleChoiceField[Axis] = forms.ModelMultipleChoiceField(
        label=_("Axes de la CTG"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Objet"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        from maillage.plan.models import Axis

        super().__init__(*args, **kwargs)
        form_field(self, "axes", forms.ModelMultipleChoiceField).queryset = Axis.objects.filter(
            convention__territory=territory
        )


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Organisation (annuaire)"), queryset=Organisation.objects.all(), required=False
    )
    organisation_name = forms.CharField(
        label=_("ou organisation (si absente de l'annuaire)"), max_length=200, required=False
    )
    role = forms.CharField(label=_("Fonction"), max_length=150, required=False)
    email = forms.EmailField(label=_("Courriel professionnel"), required=False)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the territory's organisations: those running a fiche here or holding a role.
        here = Q(structures__territory=territory) | Q(memberships__territory=territory)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = (
            Organisation.objects.filter(here).distinct().order_by("name")
        )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label=_("Lieu"), max_length=300, required=False)
    agenda = forms.CharField(
        label=_("Ordre du jour"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = version_field()


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 6}))
    participants = forms.IntegerField(
        label=_("Nombre de participants"), min_value=0, max_value=1_000_000, required=False
    )
    version = version_field()


class ToolboxForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    audience = forms.ChoiceField(label=_("Public"), choices=ToolboxItem.Audience.choices)
    theme = forms.ChoiceField(label=_("Thème CTG"), choices=CtgTheme.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(label=_("Lien (https://…)"), required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("ou fichier (PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG ; 10 Mo au plus)"),
        required=False,
    )
    published = forms.BooleanField(
        label=_("Visible du public (sinon des seuls partenaires)"), required=False, initial=True
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise ValidationError(_g("Fichier trop volumineux (10 Mo au plus)."))
        return upload
