"""The batch counts as the web summaries count: the same measurements stored in the
database (summaries rebuilt from them) and written to an e-PPGBM export (counted by
``kampungkb batch prevalence``) give the same children, cases, prevalence and intervals."""

import datetime
import random
from decimal import Decimal

import numpy as np
import pytest

from kampungkb.analytics.models import PrevalenceSummary
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.batch import run, sources
from kampungkb.growth.models import Measurement
from kampungkb.growth.services import MAX_AGE_DAYS
from kampungkb.wilayah.models import Level
from tests import factories
from tests.batch import samples
from tests.batch.conftest import read_back
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA

WEB_LEVEL = {"desa": Level.DESA, "kabupaten": Level.KABUPATEN}
METHOD_TEXT = {"PB": "Telentang", "TB": "Berdiri", "": ""}


@pytest.fixture
def stored_and_exported(beltim, tmp_path):
    """Synthetic children of three desa measured over 2025, recorded in date order as a
    kader's or an import's writes record them (the "perlu dicek" rules mark the values they
    question: a height lower than before, a weight misread now and then), and the same
    measurements written as an export."""
    rng = random.Random(15)
    for i in range(90):
        desa = (KURNIA_JAYA, LALANG_JAYA, BATU_PENYU)[i % 3]
        born = datetime.date(2020, 6, 1) + datetime.timedelta(days=rng.randint(0, 1600))
        child = factories.child_row(desa, tanggal_lahir=born, jenis_kelamin=rng.choice("LP"))
        tall, heavy = rng.gauss(0, 6), rng.gauss(0, 1.5)  # each child's own size
        days = {datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28)) for _ in range(4)}
        for day in sorted(days):  # one measurement a day per child (a database constraint)
            if day <= born or (day - born).days > MAX_AGE_DAYS:  # as the form refuses
                continue
            months = (day - born).days / 30.4
            height = 50 + months * 0.9 + tall + rng.gauss(0, 0.8)
            misread = rng.gauss(0, 6) if rng.random() < 0.05 else rng.gauss(0, 0.3)
            weight = 3.3 + months * 0.2 + heavy + misread
            factories.measurement(
                child, day, berat=Decimal(f"{max(weight, 1.0):.1f}"),
                tinggi=Decimal(f"{height:.1f}"), cara_ukur=rng.choice(["PB", "TB"]),
                confirmed=True,
            )  # fmt: skip
    questioned = " ".join(
        Measurement.objects.filter(needs_check=True).values_list("check_reasons", flat=True)
    )
    assert "height_drop" in questioned and "weight_change" in questioned  # a series' rules
    summaries_rebuild()
    rows = [
        {
            "NIK": "",
            "Nama": m.child.nama,
            "JK": m.child.jenis_kelamin,
            "Tgl Lahir": m.child.tanggal_lahir,
            "Kode Desa": m.child.desa_id,
            "Desa/Kel": "",
            "Tanggal Pengukuran": m.tanggal,
            "Berat": float(m.berat),
            "Tinggi": float(m.tinggi),
            "Cara Ukur": METHOD_TEXT[m.cara_ukur],
            "LiLA": None,
        }
        for m in Measurement.objects.select_related("child").order_by("child_id", "tanggal", "id")
    ]
    samples.write_csv(tmp_path / "export.csv", rows)
    return tmp_path / "export.csv"


@pytest.mark.parametrize(("level", "period"), [("desa", "month"), ("kabupaten", "year")])
def test_batch_prevalence_equals_the_web_summaries(stored_and_exported, tmp_path, level, period):
    parts = sources.plan([str(stored_and_exported)])
    summary = run.run_single(parts, str(tmp_path / level), task="prevalence", level=level,
                             period=period)  # fmt: skip
    assert summary.bad == {}
    batch = read_back(tmp_path / level, ["wilayah_kode", "period_start", "indicator"])
    web = {
        (s.wilayah_kode, s.period_start, s.indicator): s
        for s in PrevalenceSummary.objects.filter(
            level=WEB_LEVEL[level], group="all", period_type=period
        )
    }
    assert len(batch) >= 6 and batch["cases"].sum() > 10
    for row in batch.itertuples():
        cell = web.pop((row.wilayah_kode, row.period_start.date(), row.indicator))
        assert (row.n, row.cases) == (cell.n, cell.cases), row
        for name in ("prevalence", "ci_low", "ci_high"):
            value = getattr(cell, name)
            assert np.isclose(getattr(row, name), np.nan if value is None else value,
                              equal_nan=True, rtol=0, atol=1e-12), (row, name)  # fmt: skip
    # What the web has beyond: cells of desa nobody in the export was measured in.
    assert all(cell.n == 0 for cell in web.values())


def _row(desa, day, tinggi, *, nik="", nama="Anak Pindah Sintetis", berat=11.0):
    names = {KURNIA_JAYA: "Kurnia Jaya", LALANG_JAYA: "Lalang Jaya", BATU_PENYU: "Batu Penyu"}
    return {
        "NIK": nik, "Nama": nama, "JK": "L", "Tgl Lahir": datetime.date(2023, 1, 10),
        "Kode Desa": desa, "Desa/Kel": names[desa], "Tanggal Pengukuran": day,
        "Berat": berat, "Tinggi": tinggi, "Cara Ukur": "" if tinggi is None else "Berdiri",
        "LiLA": None,
    }  # fmt: skip


def _web_and_batch(
    rows, tmp_path, *, level, period, refused=False, kind="csv", header=samples.HEADER
):
    """The figures with children measured of an export of ``rows``, imported into the web
    (summaries rebuilt) and counted by the batch: (web, batch), each ``{(area, period start,
    indicator): (n, cases, n_records)}``; with ``refused``, (web, batch, the import's result,
    the batch's summary), else no row may be refused."""
    from kampungkb.analytics.models import QualitySummary
    from kampungkb.growth.importing.commit import measurements_import

    export = tmp_path / f"export.{kind}"
    (samples.write_csv if kind == "csv" else samples.write_xlsx)(export, rows, header=header)
    result = measurements_import(user=None, path=export)
    summaries_rebuild()
    summary = run.run_single(sources.plan([str(export)]), str(tmp_path / "out"),
                             task="prevalence", level=level, period=period)  # fmt: skip
    assert refused or summary.bad == {}
    batch = read_back(tmp_path / "out", ["wilayah_kode", "period_start", "indicator"])
    got = {
        (r.wilayah_kode, r.period_start.date(), r.indicator): (r.n, r.cases, r.n_records)
        for r in batch.itertuples()
        if r.n
    }
    records = {
        (q.wilayah_kode, q.period_start): q.n_records
        for q in QualitySummary.objects.filter(
            level=WEB_LEVEL[level], group="all", period_type=period
        )
    }
    web = {
        (s.wilayah_kode, s.period_start, s.indicator): (
            s.n, s.cases, records[(s.wilayah_kode, s.period_start)]
        )
        for s in PrevalenceSummary.objects.filter(
            level=WEB_LEVEL[level], group="all", period_type=period, n__gt=0
        )
    }  # fmt: skip
    return (web, got, result, summary) if refused else (web, got)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_the_web_import_refuses_or_skips_are_refused_or_skipped_by_the_batch(
    beltim, tmp_path, kind
):
    """A NIK the web import refuses (15 or 17 digits, letters, a number written with its
    '.0'), a row without a name, a child past five, a weight written "-", a birth weight,
    PMT, vitamin A or KIA the import cannot read, and blank rows between the others (empty
    cells, white space): the web refuses the rows and skips the blank ones, the batch
    counted the first rows (their children known by name, the weight as not given, the
    other columns unread) and refused the blank ones. Both now keep the same rows, count the
    same children and refuse the same lines."""
    kept = "1906015001000004"
    rows = [
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 80.0, nik=kept),  # stunted: counted
        samples.BLANK,
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 79.0, nik="190601500100000",
             nama="Anak NIK Pendek"),
        samples.SPACES,
        _row(KURNIA_JAYA, datetime.date(2025, 3, 6), 79.5, nik="19060150010000071",
             nama="Anak NIK Panjang"),
        _row(LALANG_JAYA, datetime.date(2025, 3, 7), 78.0, nik="19060150010000AB",
             nama="Anak NIK Huruf"),
        _row(LALANG_JAYA, datetime.date(2025, 3, 8), 78.5, nik="1906015001000006.0",
             nama="Anak NIK Desimal"),
        _row(BATU_PENYU, datetime.date(2025, 3, 9), 80.5, nik="1906015001000007", nama=""),
        {**_row(BATU_PENYU, datetime.date(2025, 3, 10), 99.0, nama="Anak Enam Tahun"),
         "Tgl Lahir": datetime.date(2019, 1, 10)},
        samples.BLANK,
        _row(BATU_PENYU, datetime.date(2025, 4, 5), "81 cm", nik="-", nama="Anak Tanpa NIK"),
        _row(BATU_PENYU, datetime.date(2025, 5, 5), 81.5, nama="Anak Tanpa NIK", berat="-"),
        {**_row(LALANG_JAYA, datetime.date(2025, 5, 6), 80.0, nama="Anak BB Lahir"),
         "BB Lahir": "abc"},
        {**_row(LALANG_JAYA, datetime.date(2025, 5, 7), 80.0, nama="Anak PMT"),
         "PMT Diterima (kg)": "-1"},
        {**_row(LALANG_JAYA, datetime.date(2025, 5, 8), 80.0, nama="Anak Vit A"),
         "Jml Vit A": "dua"},
        {**_row(LALANG_JAYA, datetime.date(2025, 5, 9), 80.0, nama="Anak KIA"),
         "KIA": "mungkin"},
        {**_row(LALANG_JAYA, datetime.date(2025, 5, 10), 80.0, nama="Anak Lengkap"),
         "BB Lahir": "3,2", "PMT Diterima (kg)": "1,5", "Jml Vit A": "1", "KIA": "Ya"},
        _row(KURNIA_JAYA, datetime.date(2025, 9, 5), 85.0, nik=kept),
    ]  # fmt: skip
    web, batch, result, summary = _web_and_batch(
        rows, tmp_path, level="kabupaten", period="year", refused=True, kind=kind,
        header=[*samples.HEADER, "BB Lahir", "PMT Diterima (kg)", "Jml Vit A", "KIA"],
    )  # fmt: skip
    assert (result.n_rows, result.n_rejected, result.n_created) == (15, 11, 4)
    assert result.n_children_created == 3
    assert (summary.rows, sum(summary.bad.values()), summary.used) == (15, 11, 4)
    refused_lines = sorted(line for lines in summary.examples.values() for _f, line in lines)
    assert refused_lines == sorted({e.row for e in result.errors})
    assert refused_lines == [4, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17]
    assert web[("19.06", datetime.date(2025, 1, 1), "stunting")][0] == 3
    assert batch == web


def test_a_weighing_entered_twice_counts_as_the_web_stores_it(beltim, tmp_path):
    """The same child and day twice in a file (entered twice, another length): the web
    import keeps the first row and refuses the second; the batch counted the second (and
    both rows among those measured)."""
    nik = "1906015001000002"
    rows = [
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 80.0, nik=nik),  # stunted
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 88.0, nik=nik),
    ]
    web, batch = _web_and_batch(rows, tmp_path, level="desa", period="month")
    assert web[(KURNIA_JAYA, datetime.date(2025, 3, 1), "stunting")] == (1, 1, 1)
    assert batch == web


@pytest.mark.parametrize(("level", "period"), [("desa", "month"), ("kabupaten", "year")])
def test_a_child_who_moved_desa_is_one_child_in_the_batch_as_in_the_web(
    beltim, tmp_path, level, period
):
    """A child known by NIK measured in Kurnia Jaya, then (moved) twice in Lalang Jaya: a web
    import of the export adds the later rows to the child it registered in Kurnia Jaya, and
    the web summaries count one child there; the batch counted two, one in each desa. A child
    without NIK in two desa is two children in both. One row has a weight and no height."""
    moved = "1906015001000001"
    rows = [
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 80.0, nik=moved),  # stunted
        _row(LALANG_JAYA, datetime.date(2025, 9, 5), 88.0, nik=moved),
        _row(LALANG_JAYA, datetime.date(2025, 9, 20), None, nik=moved, berat=11.3),
        _row(BATU_PENYU, datetime.date(2025, 3, 7), 79.5, nama="Anak Tanpa NIK"),
        _row(KURNIA_JAYA, datetime.date(2025, 9, 7), 87.0, nama="Anak Tanpa NIK"),
    ]
    web, batch = _web_and_batch(rows, tmp_path, level=level, period=period)
    assert batch == web
    if level == "kabupaten":  # the moved child once, the two children without NIK twice
        assert web[("19.06", datetime.date(2025, 1, 1), "stunting")][0] == 3


@pytest.mark.parametrize("space", [" ", "\u00a0"])
def test_a_nik_written_in_groups_is_the_child_of_that_nik_as_in_the_web(beltim, tmp_path, space):
    """The NIK plain in Kurnia Jaya, then in groups of four in Lalang Jaya (parted by spaces
    or non-breaking spaces, as copied from a letter): the web import reads the 16 digits and
    adds the later rows to the child it registered; the batch read 'no NIK' and counted the
    child (and its case) again in the second desa."""
    nik = "1906015001000002"
    grouped = space.join(nik[i : i + 4] for i in range(0, 16, 4))
    rows = [
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 80.0, nik=nik),  # stunted
        _row(LALANG_JAYA, datetime.date(2025, 9, 5), 80.5, nik=grouped),
    ]
    web, batch = _web_and_batch(rows, tmp_path, level="kabupaten", period="year")
    assert web[("19.06", datetime.date(2025, 1, 1), "stunting")][0] == 1
    assert batch == web


def test_a_name_written_with_or_without_its_dot_is_one_child_as_in_the_web(beltim, tmp_path):
    """A child without NIK, "M. Rizki" one month and "M Rizki" the next: the web import
    compares names without punctuation or accents and finds one child; the batch counted
    two in the year."""
    rows = [
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 80.0, nama="M. Rizki Sintetis"),
        _row(KURNIA_JAYA, datetime.date(2025, 4, 5), 81.0, nama="M Rizki  Sintétis"),
    ]
    web, batch = _web_and_batch(rows, tmp_path, level="desa", period="year")
    assert web[(KURNIA_JAYA, datetime.date(2025, 1, 1), "stunting")][0] == 1
    assert batch == web


@pytest.mark.parametrize("nik_first", [False, True])
def test_a_child_whose_nik_is_typed_from_some_month_on_is_one_child_as_in_the_web(
    beltim, tmp_path, nik_first
):
    """The same child (name, birth date, desa) without NIK in March and with it in
    September: the web import finds one child (it gives the NIK to the child it registered
    without one, or adds the row without NIK to the child of the same name); the batch
    counted two in the year."""
    nik = "1906015001000003"
    rows = [
        _row(KURNIA_JAYA, datetime.date(2025, 3, 5), 80.0),
        _row(KURNIA_JAYA, datetime.date(2025, 9, 5), 84.0, nik=nik),
    ]
    if nik_first:
        rows.reverse()
    web, batch = _web_and_batch(rows, tmp_path, level="kabupaten", period="year")
    assert web[("19.06", datetime.date(2025, 1, 1), "stunting")][0] == 1
    assert batch == web


def test_a_nik_typed_as_a_number_a_spreadsheet_cannot_hold_is_refused_as_in_the_web(tmp_path):
    """Papua's NIKs (91 to 97) typed as numbers are above 2**53, where a spreadsheet's double
    holds only even numbers: ...893 is read back as ...892. The web import refuses such a
    cell (and its row); the batch took it as that (wrong) NIK and counted two children as
    one, then as no NIK and counted each child by name. Both rows are refused, as the web
    refuses them."""
    rows = [
        {**_row(KURNIA_JAYA, datetime.date(2025, 3, 5), 80.0, nama="Anak Papua Satu"),
         "NIK": 9101011234567892},
        {**_row(KURNIA_JAYA, datetime.date(2025, 3, 6), 81.0, nama="Anak Papua Dua"),
         "NIK": 9101011234567893},
    ]  # fmt: skip
    samples.write_xlsx(tmp_path / "export.xlsx", rows)
    summary = run.run_single(sources.plan([str(tmp_path / "export.xlsx")]), str(tmp_path / "out"),
                             task="prevalence", level="kabupaten", period="year")  # fmt: skip
    assert summary.bad == {sources.BAD_NIK_NUMBER: 2} and summary.used == 0
    assert [line for _file, line in summary.examples[sources.BAD_NIK_NUMBER]] == [2, 3]
