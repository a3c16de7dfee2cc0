"""Dump and restore a whole territory: round trip without loss, refusals, hostile archives."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.interop.dump import DumpError, dump_territory, maillage_models, not_carried
from maillage.interop.restore import restore_territory
from maillage.plan.fictif import demo_journal_load
from maillage.plan.models import Activity, ActivityAttachment, Indicator
from maillage.plan.selectors import indicator_results
from maillage.plan.services import activity_record, indicator_value_set
from maillage.territory.models import Territory
from maillage.territory.selectors import territory_diagnostic

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def journal(armentieres, media):
    """An *exemple fictif* journal, one attachment and one manual value with its author."""
    demo_journal_load(territory=armentieres, count=30, today=TODAY)
    activity = Activity.objects.filter(territory=armentieres).first()
    author = get_user_model().objects.create_user("coordination-exemple", password="x" * 12)
    attached = activity_record(
        territory=armentieres,
        date=TODAY,
        kind=activity.kind,
        title="[exemple fictif] Comité de pilotage",
        axes=[a.number for a in activity.axes.all()],
        attachments=[SimpleUploadedFile("compte-rendu.txt", b"exemple fictif\n")],
        author=author,
        is_fictional=True,
    )
    manual = Indicator.objects.filter(
        axis__convention__territory=armentieres, kind=Indicator.Kind.MANUAL
    ).first()
    if manual is not None:
        indicator_value_set(
            indicator=manual, year=2024, value=3, justification="exemple fictif", author=author
        )
    return attached


def _state(territory):
    return (
        territory_diagnostic(territory=territory).as_dict(),
        [r.as_dict() for r in indicator_results(territory=territory, today=TODAY)],
    )


def _dump(territory, **kwargs):
    buffer = io.BytesIO()
    dump_territory(territory=territory, output=buffer, **kwargs)
    return buffer.getvalue()


def _empty_database():
    for model in reversed(maillage_models()):
        model.objects.all().delete()
    get_user_model().objects.all().delete()
    assert sum(m.objects.count() for m in maillage_models()) == 0


def test_dump_restored_into_an_empty_database_gives_the_same_diagnostic_and_indicators(
    armentieres, journal, media
):
    before = _state(armentieres)
    activities = Activity.objects.filter(territory=armentieres).count()
    data = _dump(armentieres)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert manifest["format"] == "maillage-dump" and manifest["format_version"] == 1
    attachment = ActivityAttachment.objects.get(activity=journal)
    assert attachment.file.name in manifest["media"]

    _empty_database()
    attachment.file.storage.delete(attachment.file.name)
    result = restore_territory(source=data)

    territory = Territory.objects.get(slug="armentieres")
    assert _state(territory) == before
    assert Activity.objects.filter(territory=territory).count() == activities
    restored = ActivityAttachment.objects.get(activity__title=journal.title)
    with restored.file.open("rb") as handle:
        assert handle.read() == b"exemple fictif\n"
    user = get_user_model().objects.get(username="coordination-exemple")
    assert not user.has_usable_password()  # passwords are not carried by default
    assert result.media == 1


def test_restoring_over_an_existing_territory_needs_replace(armentieres, journal):
    before = _state(armentieres)
    data = _dump(armentieres)
    with pytest.raises(DumpError, match="--replace"):
        restore_territory(source=data)
    result = restore_territory(source=data, replace=True)
    assert result.replaced
    territory = Territory.objects.get(slug="armentieres")
    assert _state(territory) == before
    assert Territory.objects.count() == 1


def test_every_maillage_model_is_carried_or_deliberately_left_out(armentieres):
    # Models without a territory: secrets and per-user records, not part of a territory.
    assert set(not_carried(armentieres)) <= {
        "accounts.apitoken",
        "accounts.invitation",
        "accounts.loginattempt",
    }


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


MANIFEST = {"format": "maillage-dump", "format_version": 1, "territory": {"slug": "t"}}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "illisible"),
        (_zip({"a.txt": "x"}), "manifest.json"),
        (_zip({"manifest.json": "{"}), "JSON"),
        (_zip({"manifest.json": json.dumps({**MANIFEST, "format_version": 99})}), "Version"),
        (_zip({"manifest.json": json.dumps(MANIFEST), "../evil": "x"}), "dangereux"),
        (
            _zip(
                {
                    "manifest.json": json.dumps(
                        {**MANIFEST, "models": [{"model": "x.y", "file": "data/x.json"}]}
                    )
                }
            ),
            "inconnu",
        ),
        (
            _zip(
                {
                    "manifest.json": json.dumps(
                        {
                            **MANIFEST,
                            "models": [{"model": "territory.commune", "file": "data/c.json"}],
                        }
                    ),
                    "data/c.json": json.dumps([{"pk": 1, "fields": {"hack": 1}}]),
                }
            ),
            "inconnu",
        ),
    ],
)
def test_hostile_or_broken_archives_are_refused_in_french(armentieres, data, message):
    before = Territory.objects.count()
    with pytest.raises(DumpError, match=message):
        restore_territory(source=data)
    assert Territory.objects.count() == before
