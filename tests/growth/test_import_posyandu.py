"""Posyandu names of an import that match none of their desa: listed with the desa's posyandu
ranked by similarity, decided (one of them, remembered as an alias, or a new posyandu) before
anything is saved, and matched without a question afterwards."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from kampungkb.core.models import AuditEntry
from kampungkb.growth.importing.aliases import (
    NEW,
    PosyanduDecision,
    posyandu_alias_delete,
    posyandu_names_decide,
)
from kampungkb.growth.importing.commit import PosyanduChoices, measurements_import
from kampungkb.growth.importing.places import posyandu_key
from kampungkb.growth.importing.selectors import posyandu_alias_list
from kampungkb.growth.models import Child, ImportBatch, Measurement, Posyandu, PosyanduAlias
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA

TYPO = "POSYANDU KURNYA 1"  # what the key does not fold: a question


@pytest.fixture
def kurnia(beltim):
    """Kurnia Jaya's posyandu: Kurnia I and Melati."""
    melati = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    return factories.posyandu(KURNIA_JAYA, "Posyandu Kurnia I"), melati


def _file(eppgbm, posyandu, name="eppgbm.xlsx", **values):
    return eppgbm.xlsx([eppgbm.row(Posyandu=posyandu, **values)], name=name)


def _decide(user, name, choice, desa=KURNIA_JAYA):
    return posyandu_names_decide(
        user=user, decisions=[PosyanduDecision(desa_kode=desa, nama=name, choice=choice)]
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("POSYANDU KURNIA 1", "Posyandu Kurnia I"),
        ("Kurnia 1", "posyandu  kurnia-I"),
        ("Pos. Melati 02", "MELATI II"),
        ("Posyandu RW 03", "rw 3"),
    ],
)
def test_the_name_key_folds_case_spaces_punctuation_the_word_posyandu_and_roman_numerals(
    one, other
):
    assert posyandu_key(one) == posyandu_key(other)


def test_the_name_key_keeps_different_numbers_apart():
    assert posyandu_key("Kurnia I") != posyandu_key("Kurnia II")
    assert posyandu_key("Melati 1") != posyandu_key("Melati 11")


def test_a_spelling_the_key_folds_matches_the_existing_posyandu_and_creates_none(
    eppgbm, users, kurnia
):
    result = measurements_import(user=users["desa"], path=_file(eppgbm, "POSYANDU KURNIA 1"))
    assert result.posyandu_unknown == [] and result.batch is not None
    assert Posyandu.objects.count() == 2
    assert Measurement.objects.get().posyandu == kurnia[0]


def test_an_unknown_name_is_listed_with_its_desa_posyandu_ranked_and_nothing_is_saved(
    eppgbm, users, kurnia
):
    path = eppgbm.xlsx(
        [
            eppgbm.row(Posyandu=TYPO),
            eppgbm.row(NIK="1906010101240002", Nama="Anak Dua", Posyandu=TYPO.lower()),
        ]
    )
    result = measurements_import(user=users["desa"], path=path)
    assert result.waits_for_posyandu and result.batch is None
    [unknown] = result.posyandu_unknown
    assert (unknown["desa_kode"], unknown["desa"], unknown["nama"]) == (
        KURNIA_JAYA,
        "Kurnia Jaya",
        TYPO,
    )
    assert (unknown["row"], unknown["rows"]) == (2, 2)
    names = [s["nama"] for s in unknown["suggestions"]]
    assert names == ["Posyandu Kurnia I", "Posyandu Melati"]
    assert unknown["suggestions"][0]["similar"] and not unknown["suggestions"][1]["similar"]
    assert unknown["suggestions"][0]["score"] > unknown["suggestions"][1]["score"]
    assert Posyandu.objects.count() == 2
    assert not Measurement.objects.exists() and not Child.objects.exists()
    assert not ImportBatch.objects.exists()


def test_mapping_a_name_makes_an_audited_alias_and_the_next_import_asks_nothing(
    eppgbm, users, kurnia
):
    operator = users["desa"]
    assert _decide(operator, TYPO, str(kurnia[0].pk)) == frozenset()
    alias = PosyanduAlias.objects.get()
    assert (alias.desa_id, alias.nama, alias.posyandu, alias.created_by) == (
        KURNIA_JAYA,
        TYPO,
        kurnia[0],
        operator,
    )
    assert AuditEntry.objects.filter(
        object_type="growth.posyandualias", action="create", actor=operator
    ).exists()

    path = _file(eppgbm, TYPO)
    result = measurements_import(user=operator, path=path)
    assert result.posyandu_unknown == [] and result.n_created == 1
    assert Measurement.objects.get().posyandu == kurnia[0]
    again = measurements_import(user=operator, path=path)
    assert (again.n_created, again.n_unchanged, again.n_posyandu_created) == (0, 1, 0)
    assert Posyandu.objects.count() == 2 and PosyanduAlias.objects.count() == 1


def test_a_new_posyandu_is_made_only_on_an_explicit_decision_and_only_when_saved(
    eppgbm, users, kurnia
):
    operator = users["desa"]
    create = _decide(operator, "Posyandu Kenanga", NEW)
    assert create == {(KURNIA_JAYA, "kenanga")} and not PosyanduAlias.objects.exists()
    path = _file(eppgbm, "Posyandu Kenanga")
    preview = measurements_import(
        user=operator, path=path, dry_run=True, posyandu=PosyanduChoices(create=create)
    )
    assert preview.posyandu_unknown == [] and preview.n_posyandu_created == 1
    assert [p["nama"] for p in preview.posyandu_new] == ["Posyandu Kenanga"]
    assert Posyandu.objects.count() == 2
    measurements_import(user=operator, path=path, posyandu=PosyanduChoices(create=create))
    assert Measurement.objects.get().posyandu.nama == "Posyandu Kenanga"
    assert Posyandu.objects.count() == 3


def test_in_a_desa_without_posyandu_the_file_names_are_made(eppgbm, users, kurnia):
    path = _file(eppgbm, "Mawar", **{"Desa/Kel": "Lalang Jaya"})
    result = measurements_import(user=users["kecamatan"], path=path)
    assert result.posyandu_unknown == [] and result.n_posyandu_created == 1
    assert Posyandu.objects.get(desa_id=LALANG_JAYA).nama == "Mawar"


def test_suggestions_and_aliases_never_reach_another_desa_or_area(eppgbm, users, kurnia):
    # A posyandu of the same name in the next desa and in another kecamatan, and an alias of
    # the very name in the next desa: none of them is Kurnia Jaya's.
    neighbour = factories.posyandu(LALANG_JAYA, "Posyandu Kurnya 1")
    factories.posyandu(BATU_PENYU, "Posyandu Kurnya 1 Batu")
    _decide(users["admin"], TYPO, str(neighbour.pk), desa=LALANG_JAYA)
    result = measurements_import(user=users["desa"], path=_file(eppgbm, TYPO), dry_run=True)
    [unknown] = result.posyandu_unknown
    offered = {s["pk"] for s in unknown["suggestions"]}
    assert offered == {p.pk for p in kurnia}
    assert [a.desa_id for a in posyandu_alias_list(user=users["desa"])] == []
    assert [a.desa_id for a in posyandu_alias_list(user=users["admin"])] == [LALANG_JAYA]


def test_a_choice_outside_the_name_desa_or_the_user_area_is_refused_and_stores_nothing(
    users, kurnia
):
    elsewhere = factories.posyandu(BATU_PENYU, "Posyandu Batu")
    with pytest.raises(ValidationError):
        posyandu_names_decide(
            user=users["desa"],
            decisions=[
                PosyanduDecision(KURNIA_JAYA, "Kurnia Satu", str(kurnia[0].pk)),
                PosyanduDecision(KURNIA_JAYA, TYPO, str(elsewhere.pk)),
            ],
        )
    for hostile in ("'; DROP TABLE x", "99999999999999999999999", "١٢"):
        with pytest.raises(ValidationError):
            _decide(users["desa"], TYPO, hostile)
    with pytest.raises(PermissionDenied):
        _decide(users["desa"], "Batu", str(elsewhere.pk), desa=BATU_PENYU)
    with pytest.raises(PermissionDenied):
        _decide(users["viewer"], TYPO, str(kurnia[0].pk))
    assert not PosyanduAlias.objects.exists()


def test_removing_an_alias_is_audited_and_the_next_import_asks_again(eppgbm, users, kurnia):
    _decide(users["desa"], TYPO, str(kurnia[0].pk))
    alias = PosyanduAlias.objects.get()
    with pytest.raises(PermissionDenied):
        posyandu_alias_delete(user=factories.operator_desa(BATU_PENYU), alias=alias)
    posyandu_alias_delete(user=users["kecamatan"], alias=alias)
    assert AuditEntry.objects.filter(object_type="growth.posyandualias", action="delete").exists()
    result = measurements_import(user=users["desa"], path=_file(eppgbm, TYPO), dry_run=True)
    assert [u["nama"] for u in result.posyandu_unknown] == [TYPO]


# --- the command -------------------------------------------------------------------------


def test_the_command_lists_unknown_names_saves_nothing_and_exits_2(eppgbm, kurnia, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_measurements", str(_file(eppgbm, TYPO)))
    assert exit_info.value.code == 2
    out = capsys.readouterr().out
    assert "Tidak ada yang disimpan" in out
    assert f"{KURNIA_JAYA} Kurnia Jaya: “{TYPO}”" in out
    assert f"{kurnia[0].pk} Posyandu Kurnia I" in out
    assert "--map-posyandu" in out and "--create-posyandu" in out
    assert not Measurement.objects.exists() and Posyandu.objects.count() == 2


def test_the_command_maps_a_name_and_remembers_it(eppgbm, kurnia, capsys):
    mapping = f"{KURNIA_JAYA}:{TYPO}={kurnia[0].pk}"
    path = str(_file(eppgbm, TYPO))
    call_command("import_measurements", path, "--dry-run", "--map-posyandu", mapping)
    assert not PosyanduAlias.objects.exists()
    call_command("import_measurements", path, "--map-posyandu", mapping)
    assert Measurement.objects.get().posyandu == kurnia[0]
    assert PosyanduAlias.objects.get().posyandu == kurnia[0]
    assert Posyandu.objects.count() == 2


def test_the_command_creates_unknown_names_when_told_to(eppgbm, kurnia):
    call_command("import_measurements", str(_file(eppgbm, TYPO)), "--create-posyandu")
    assert Measurement.objects.get().posyandu.nama == TYPO
    assert not PosyanduAlias.objects.exists()


def test_the_command_refuses_a_mapping_to_another_desa_and_a_malformed_one(eppgbm, kurnia, capsys):
    elsewhere = factories.posyandu(BATU_PENYU, "Posyandu Batu")
    path = str(_file(eppgbm, TYPO))
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_measurements", path, "--map-posyandu", f"{KURNIA_JAYA}:{TYPO}={elsewhere.pk}"
        )
    assert exit_info.value.code == 2
    assert f"posyandu {elsewhere.pk} bukan posyandu desa {KURNIA_JAYA}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="DESA_KODE:NAME=POSYANDU_ID"):
        call_command("import_measurements", path, "--map-posyandu", "Kurnia=1")
    assert not Measurement.objects.exists() and not PosyanduAlias.objects.exists()
