"""``maillage adresses charger``: the BAN file is streamed, only the territory's communes are
kept, a wrong row names its file, row and field and nothing is written, a second run replaces
the first (exemple fictif data, see conftest)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from maillage.addresses.fictif import ban_row, write_ban_file
from maillage.addresses.models import Address, AddressLoad
from maillage.addresses.services import BAN_HEADER, BanLoadError, ban_load
from maillage.cli import main

from .conftest import ARMENTIERES, OUTSIDE, rows_of

ROWS = len(list(rows_of(ARMENTIERES)))  # 12 streets × 30 numbers + some bis/ter
READ = len(list(rows_of(OUTSIDE[0], ARMENTIERES, OUTSIDE[1])))


def test_published_header_has_its_23_fields():
    assert len(BAN_HEADER) == 23
    assert BAN_HEADER[:8] == [
        "id", "id_fantoir", "numero", "rep", "nom_voie", "code_postal", "code_insee",
        "nom_commune",
    ]  # fmt: skip
    assert BAN_HEADER[12:14] == ["lon", "lat"]


def test_a_gzip_file_keeps_only_the_communes_of_the_territory(armentieres, ban_gz):
    report = ban_load(territory=armentieres, path=ban_gz)
    assert report.rows_read == READ
    assert report.rows_kept == ROWS
    assert report.communes == {"59017": ROWS}
    assert set(Address.objects.values_list("code_insee", flat=True)) == {"59017"}
    one = Address.objects.get(nom_voie="Rue Fictive des Tilleuls", numero=1)
    assert (one.code_postal, one.nom_commune, one.rep) == ("59280", "Armentières", "")
    assert one.voie_key == "rue fictive tilleuls"
    load = AddressLoad.objects.get()
    assert (load.file_name, load.rows_read, load.rows_kept) == (
        "adresses-59.csv.gz",
        READ,
        ROWS,
    )


def test_a_plain_csv_file_loads_the_same(armentieres, tmp_path):
    path = write_ban_file(tmp_path / "adresses-59017.csv", rows_of(ARMENTIERES))
    assert path.read_bytes()[:2] != b"\x1f\x8b"  # not compressed
    report = ban_load(territory=armentieres, path=path)
    assert report.rows_kept == ROWS == Address.objects.count()


def test_running_it_again_replaces_instead_of_adding(armentieres, ban_gz, tmp_path):
    ban_load(territory=armentieres, path=ban_gz)
    first = sorted(Address.objects.values_list("ban_id", "lon", "lat"))
    again = ban_load(territory=armentieres, path=ban_gz)
    assert again.replaced == ROWS
    assert sorted(Address.objects.values_list("ban_id", "lon", "lat")) == first
    smaller = write_ban_file(tmp_path / "petit.csv", rows_of(ARMENTIERES, numbers=5))
    ban_load(territory=armentieres, path=smaller)
    assert Address.objects.count() == len(list(rows_of(ARMENTIERES, numbers=5)))


def _with_bad_row(tmp_path, field: str, value: str, *, position: int = 40):
    rows = [list(r) for r in rows_of(ARMENTIERES)]
    rows[position][BAN_HEADER.index(field)] = value
    return write_ban_file(tmp_path / "adresses-59.csv.gz", rows), position + 2  # + header


@pytest.mark.parametrize(
    ("field", "value", "named", "message"),
    [
        ("lon", "2,881", "lon", "« 2,881 » n'est pas un nombre"),
        ("lat", "", "lat", "vide (la position est obligatoire)"),
        ("lat", "nan", "lat", "« nan » n'est pas un nombre"),
        ("numero", "douze", "numero", "« douze » n'est pas un numéro"),
        ("lon", "-70.5", "lon, lat", "n'est pas en France"),
        ("nom_voie", "", "nom_voie", "vide"),
        ("rep", "x" * 21, "rep", "plus de 20 caractères"),
    ],
)
def test_a_wrong_row_names_file_row_and_field_and_nothing_is_written(
    armentieres, loaded, tmp_path, field, value, named, message
):
    before = sorted(Address.objects.values_list("ban_id", flat=True))
    path, line = _with_bad_row(tmp_path, field, value)
    with pytest.raises(BanLoadError) as exc:
        ban_load(territory=armentieres, path=path)
    text = str(exc.value)
    assert f"« adresses-59.csv.gz », ligne {line}, champ « {named} » : " in text
    assert message in text
    assert sorted(Address.objects.values_list("ban_id", flat=True)) == before
    assert AddressLoad.objects.count() == 1


def test_a_wrong_row_of_another_commune_is_not_checked_field_by_field(armentieres, tmp_path):
    rows = [list(r) for r in rows_of(OUTSIDE[0], ARMENTIERES)]
    rows[3][BAN_HEADER.index("lon")] = "pas un nombre"  # Lille: not kept, not parsed
    report = ban_load(territory=armentieres, path=write_ban_file(tmp_path / "a.csv", rows))
    assert report.rows_kept == ROWS


def test_a_row_with_missing_fields_is_refused(armentieres, tmp_path):
    rows = [list(r) for r in rows_of(ARMENTIERES)]
    rows[7] = rows[7][:10]
    with pytest.raises(BanLoadError, match="ligne 9 : 10 champs au lieu de 23"):
        ban_load(territory=armentieres, path=write_ban_file(tmp_path / "a.csv.gz", rows))
    assert not Address.objects.exists()


def test_a_file_without_the_ban_header_is_refused(armentieres, tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("nom,adresse\nCrèche,1 rue\n", encoding="utf-8")
    with pytest.raises(BanLoadError, match="séparateur attendu « ; »"):
        ban_load(territory=armentieres, path=path)
    path.write_text("id;numero;nom_voie\n1;2;Rue\n", encoding="utf-8")
    with pytest.raises(BanLoadError, match="colonnes manquantes « rep », « code_postal »"):
        ban_load(territory=armentieres, path=path)


def test_a_truncated_gzip_is_refused_in_french(armentieres, ban_gz, tmp_path):
    cut = tmp_path / "coupe.csv.gz"
    cut.write_bytes(ban_gz.read_bytes()[: ban_gz.stat().st_size // 2])
    with pytest.raises(BanLoadError, match="archive gzip illisible ou tronquée"):
        ban_load(territory=armentieres, path=cut)
    assert not Address.objects.exists()


def test_a_file_without_the_territorys_communes_changes_nothing(armentieres, loaded, tmp_path):
    path = write_ban_file(tmp_path / "adresses-62.csv", rows_of(OUTSIDE[1]))
    with pytest.raises(BanLoadError, match=r"aucune adresse des communes du territoire \(59017\)"):
        ban_load(territory=armentieres, path=path)
    assert Address.objects.count() == ROWS


def test_the_command_loads_and_explains_errors_in_french(armentieres, ban_gz, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["adresses", "charger", str(ban_gz), "--territory", "armentieres"])
    assert ok.exit_code == 0, ok.output
    assert f"{ROWS} adresses retenues sur {READ} lignes" in ok.output
    path, line = _with_bad_row(tmp_path, "lat", "n/a")
    bad = runner.invoke(main, ["adresses", "charger", str(path), "--territory", "armentieres"])
    assert bad.exit_code == 1
    assert f"ligne {line}, champ « lat » : « n/a » n'est pas un nombre" in bad.output
    missing = runner.invoke(main, ["adresses", "charger", str(tmp_path / "absent.csv.gz")])
    assert missing.exit_code == 1 and "introuvable" in missing.output
    assert Address.objects.count() == ROWS


def test_a_single_row_written_by_hand_loads(armentieres, tmp_path):
    row = ban_row(
        commune=ARMENTIERES, nom_voie="Rue Fictive Unique", numero=21, rep="bis",
        lon=2.88, lat=50.69,
    )  # fmt: skip
    ban_load(territory=armentieres, path=write_ban_file(tmp_path / "un.csv", [row]))
    address = Address.objects.get()
    assert address.label == "21 bis Rue Fictive Unique 59280 Armentières"
