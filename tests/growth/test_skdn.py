import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kampungkb.accounts.models import Role
from kampungkb.growth.skdn import skdn_table
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA
from tests.spreadsheets import HOSTILE, assert_kept_as_text

D = datetime.date


def _child(posyandu, nama, born, buku=True, sex="L"):
    return factories.child(
        posyandu=posyandu,
        nama=nama,
        jenis_kelamin=sex,
        tanggal_lahir=born,
        nama_ibu="Ibu " + nama,
        punya_buku_kia=buku,
    )


def _weigh(child, posyandu, day, kg=None, cm=None):
    factories.measurement(
        child,
        day,
        posyandu=posyandu,
        berat=Decimal(kg) if kg else None,
        tinggi=Decimal(cm) if cm else None,
        cara_ukur="TB" if cm else "",
    )


@pytest.fixture
def posyandu(beltim):
    """Posyandu Melati in Kurnia Jaya (Manggar) and Mawar in Batu Penyu (Gantung), with
    weighings that give every SKDN code in November 2025 at Melati."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    mawar = factories.posyandu(BATU_PENYU, "Mawar")
    born = D(2024, 3, 1)
    a = _child(melati, "Anak T dua kali", born)  # T in Oct and Nov: 2T
    _weigh(a, melati, D(2025, 9, 10), "10.0")
    _weigh(a, melati, D(2025, 10, 10), "10.1")
    _weigh(a, melati, D(2025, 11, 10), "10.2")
    b = _child(melati, "Anak lewat sebulan", born)  # not weighed in Oct: O
    _weigh(b, melati, D(2025, 9, 10), "9.5")
    _weigh(b, melati, D(2025, 11, 10), "10.0")
    c = _child(melati, "Anak baru", born)  # first weighing: B
    _weigh(c, melati, D(2025, 11, 10), "10.0")
    d = _child(melati, "Anak naik", born)  # two weighings in Nov: the last one (N) counts
    _weigh(d, melati, D(2025, 10, 10), "10.0")
    _weigh(d, melati, D(2025, 11, 3), "10.1")
    _weigh(d, melati, D(2025, 11, 20), "10.5")
    e = _child(melati, "Anak BGM", born)  # below -3 SD weight-for-age, but gained: N, BGM
    _weigh(e, melati, D(2025, 10, 10), "7.0")
    _weigh(e, melati, D(2025, 11, 10), "7.3")
    f = _child(melati, "Anak tanpa buku", born, buku=False)  # measured, not weighed: not in D
    _weigh(f, melati, D(2025, 11, 10), None, "85.0")
    j = _child(melati, "Bayi", D(2025, 10, 25), buku=None)  # under one month: no KBM, no code
    _weigh(j, melati, D(2025, 10, 28), "3.4")
    _weigh(j, melati, D(2025, 11, 20), "4.2")
    _child(melati, "Sudah lima tahun", D(2020, 10, 31))  # 60 months before November: not in S
    _child(melati, "Belum lahir", D(2025, 12, 2))  # born after November: not in S
    i = _child(mawar, "Anak Gantung", born)
    _weigh(i, mawar, D(2025, 11, 12), "11.0")
    return melati, mawar


def _row(table, posyandu):
    return next(r for r in table.rows if r.posyandu_id == posyandu.pk)


def test_skdn_counts_every_code_of_the_month(posyandu, users):
    melati, _ = posyandu
    row = _row(skdn_table(user=users["admin"], tahun=2025, month=11), melati)
    got = {k: getattr(row, k) for k in ("s", "k", "d", "n", "t", "o", "b", "two_t", "bgm")}
    assert got == {"s": 7, "k": 5, "d": 6, "n": 2, "t": 1, "o": 1, "b": 1, "two_t": 1, "bgm": 1}
    # D': weighed in October too: the T, the two N and the codeless baby (28 October); not
    # the O nor the B. N/D' is 2 of 4 (DOMAIN.md 4.3); N/D counted the O and B as failures.
    assert row.d_prime == 4
    assert (row.ks, row.ds, row.nd) == (Decimal("71.4"), Decimal("85.7"), Decimal("50.0"))


def test_d_prime_leaves_out_a_child_new_here_though_weighed_elsewhere_last_month(users):
    """D' is of the children whose gain the posyandu can judge: one weighed last month at
    another posyandu and here for the first time is B here, not in D'."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    mawar = factories.posyandu(LALANG_JAYA, "Mawar")  # of the same kecamatan (Manggar)
    moved = _child(mawar, "Pindah", D(2024, 3, 1))
    _weigh(moved, melati, D(2025, 10, 10), "10.0")
    _weigh(moved, mawar, D(2025, 11, 10), "10.4")
    stayed = _child(mawar, "Tetap", D(2024, 3, 1))
    _weigh(stayed, mawar, D(2025, 10, 12), "10.0")
    _weigh(stayed, mawar, D(2025, 11, 12), "10.0")
    row = _row(skdn_table(user=users["admin"], tahun=2025, month=11), mawar)
    assert (row.d, row.b, row.t, row.d_prime, row.nd) == (2, 1, 1, 1, Decimal("0.0"))
    january = skdn_table(user=users["admin"], tahun=2026, month=1)  # nobody weighed
    assert (_row(january, mawar).d_prime, _row(january, mawar).nd) == (0, None)


def test_a_weighing_without_a_code_breaks_d_equals_n_t_o_b_and_names_the_child(posyandu, users):
    melati, _ = posyandu
    row = _row(skdn_table(user=users["admin"], tahun=2025, month=11), melati)
    assert row.blank == 1
    assert not row.balanced
    assert [nama for _, nama in row.blank_children] == ["Bayi"]


def test_a_month_where_every_weighing_has_a_code_is_balanced(posyandu, users):
    melati, _ = posyandu
    row = _row(skdn_table(user=users["admin"], tahun=2025, month=10), melati)
    assert (row.d, row.n, row.t, row.o, row.b) == (4, 0, 1, 0, 3)
    assert row.balanced


def test_ratios_are_none_when_nobody_is_registered(posyandu, users):
    melati, _ = posyandu
    row = _row(skdn_table(user=users["admin"], tahun=2019, month=1), melati)
    assert (row.s, row.ks, row.ds, row.nd) == (0, None, None, None)


def test_another_kecamatans_posyandu_is_absent_for_a_kecamatan_operator(posyandu, users):
    melati, mawar = posyandu
    table = skdn_table(user=users["kecamatan"], tahun=2025, month=11)
    assert [r.posyandu_id for r in table.rows] == [melati.pk]
    assert table.total.d == 6
    admin = skdn_table(user=users["admin"], tahun=2025, month=11)
    assert {r.posyandu_id for r in admin.rows} == {melati.pk, mawar.pk}
    assert admin.total.d == 7


def test_the_desa_filter_keeps_one_desa(posyandu, users):
    _, mawar = posyandu
    table = skdn_table(user=users["admin"], tahun=2025, month=11, desa=BATU_PENYU)
    assert [r.posyandu_id for r in table.rows] == [mawar.pk]


def test_roles_without_personal_data_see_the_counts_but_no_names(posyandu, users):
    melati, _ = posyandu
    row = _row(skdn_table(user=users["viewer"], tahun=2025, month=11), melati)
    assert (row.d, row.blank) == (6, 1)
    assert row.blank_children == []


def test_the_skdn_page_and_its_xlsx_answer_each_role(client, posyandu, users, make_user):
    for role in ("admin", "kecamatan", "desa", "mitra", "viewer"):
        client.force_login(users[role])
        page = client.get("/pertumbuhan/skdn/?bulan=2025-11&urut=-d")
        assert page.status_code == 200, role
    client.force_login(make_user(Role.OPERATOR_DESA, BATU_PENYU, username="op-batu"))
    page = client.get("/pertumbuhan/skdn/?bulan=2025-11")
    assert "Mawar" in page.content.decode()
    assert "Melati" not in page.content.decode()
    client.force_login(users["admin"])
    response = client.get("/pertumbuhan/skdn/skdn.xlsx?bulan=2025-11")
    assert response["Content-Disposition"].endswith('skdn-2025-11.xlsx"')
    sheet = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    melati = next(v for v in values if v[0] == "Melati")
    assert melati[2:11] == [7, 5, 6, 2, 1, 1, 1, 1, 1]
    assert values[-1][4] == 7  # total D


def test_the_skdn_xlsx_writes_posyandu_desa_and_filter_text_as_text(client, posyandu, users):
    melati, mawar = posyandu
    for p, nama in ((melati, HOSTILE[0]), (mawar, HOSTILE[1])):
        p.nama = nama
        p.save()
    Wilayah.objects.filter(kode=KURNIA_JAYA).update(nama=HOSTILE[2])
    client.force_login(users["admin"])
    response = client.get("/pertumbuhan/skdn/skdn.xlsx?bulan=2025-11")
    assert_kept_as_text(response.content, *HOSTILE[:3])
    # The desa filter is echoed above the header: the query string is user input too.
    filtered = client.get("/pertumbuhan/skdn/skdn.xlsx", {"bulan": "2025-11", "desa": HOSTILE[3]})
    assert_kept_as_text(filtered.content, HOSTILE[3])


def test_the_skdn_page_naming_children_records_which_ones(client, posyandu, users):
    from kampungkb.core.models import AuditEntry
    from kampungkb.growth.models import Child

    client.force_login(users["kecamatan"])
    client.get(reverse("growth:skdn"), {"bulan": "2025-11"})
    [entry] = AuditEntry.objects.filter(action="view", actor=users["kecamatan"])
    bayi = Child.objects.get(nama="Bayi")
    assert (entry.object_type, entry.object_id, entry.wilayah_kode) == (
        "growth.child",
        "",
        "19.06.01",
    )
    assert entry.changes == {"page": "skdn", "bulan": "2025-11", "desa": "", "ids": [bayi.pk]}
    # A month where every weighing has its code names nobody: no entry.
    client.get(reverse("growth:skdn"), {"bulan": "2025-10"})
    assert AuditEntry.objects.filter(action="view", actor=users["kecamatan"]).count() == 1


def test_a_child_of_another_desa_weighed_at_the_posyandu_is_counted_but_not_named(client, users):
    """A posyandu weighs children of other desa of its kecamatan: they count in its SKDN,
    but the Operator Desa who may not open such a child's record does not see its name."""
    posyandu = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    mine = factories.child(KURNIA_JAYA, nama="Bayi Kurnia", tanggal_lahir=D(2025, 3, 25))
    other = factories.child(LALANG_JAYA, nama="Bayi Lalang", tanggal_lahir=D(2025, 3, 25))
    for kid in (mine, other):  # under a month at the second weighing: no growth code
        factories.measurement(kid, D(2025, 3, 28), posyandu=posyandu, berat=Decimal("3.3"))
        factories.measurement(kid, D(2025, 4, 10), posyandu=posyandu, berat=Decimal("3.6"))
    operator = users["desa"]  # of Kurnia Jaya
    client.force_login(operator)
    assert client.get(reverse("growth:child_detail", args=[other.pk])).status_code == 404
    table = skdn_table(user=operator, tahun=2025, month=4)
    [row] = table.rows
    assert (row.d, row.blank) == (2, 2)
    assert row.blank_children == [(mine.pk, "Bayi Kurnia")]
    page = client.get(reverse("growth:skdn") + "?bulan=2025-04").content.decode()
    assert "Bayi Kurnia" in page and "Bayi Lalang" not in page
    # The kecamatan's operator covers both desa: both named.
    assert len(skdn_table(user=users["kecamatan"], tahun=2025, month=4).total.blank_children) == 2


def test_a_child_weighed_at_a_posyandu_for_the_first_time_is_new_there(users):
    """DOMAIN.md 4.3: "B: first time weighed at this posyandu (new)". A child who moved from
    Melati to Kenanga is B at Kenanga in its first month there, though its code (N, against
    its weighing at Melati) stays the child's; D = N + T + O + B holds at both."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    kenanga = factories.posyandu(KURNIA_JAYA, "Kenanga")
    moved = _child(melati, "Anak Pindah", D(2024, 3, 1))
    _weigh(moved, melati, D(2025, 10, 10), kg="10.0")
    moved.posyandu = kenanga
    moved.save()
    _weigh(moved, kenanga, D(2025, 11, 10), kg="10.5")
    _weigh(moved, kenanga, D(2025, 12, 10), kg="10.9")
    assert list(moved.measurements.order_by("tanggal").values_list("growth_code", flat=True)) == [
        "B", "N", "N",
    ]  # fmt: skip

    def row(month, posyandu):
        table = skdn_table(user=users["admin"], tahun=2025, month=month)
        return next(r for r in table.rows if r.posyandu_id == posyandu.pk)

    november, december = row(11, kenanga), row(12, kenanga)
    assert (november.d, november.b, november.n) == (1, 1, 0)
    assert (december.d, december.b, december.n) == (1, 0, 1)  # known here since November
    assert (row(10, melati).d, row(10, melati).b) == (1, 1)


def test_skdn_ratios_are_rounded_half_up_on_the_page_and_in_the_xlsx(client, users, beltim):
    """1 of 16 children with a KIA book is 6.25 %: the rule (``core.rounding``) shows 6,3;
    ``round(6.25, 1)`` gave 6.2 (half to even) on the page and in the xlsx; 5 of 16 is 31.25 %,
    31,3 and not 31.2."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    for i in range(16):
        child = _child(melati, f"Anak {i}", D(2024, 3, 1), buku=i == 0)
        if i < 5:
            _weigh(child, melati, D(2025, 11, 10), "10.0")
    row = _row(skdn_table(user=users["admin"], tahun=2025, month=11), melati)
    assert (row.s, row.k, row.d) == (16, 1, 5)
    assert (row.ks, row.ds) == (Decimal("6.3"), Decimal("31.3"))
    client.force_login(users["admin"])
    page = client.get("/pertumbuhan/skdn/?bulan=2025-11").content.decode()
    assert "<td>6,3</td><td>31,3</td>" in page
    response = client.get("/pertumbuhan/skdn/skdn.xlsx?bulan=2025-11")
    sheet = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    line = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "Melati")
    assert [(c.value, c.number_format) for c in line[11:13]] == [(6.3, "0.0"), (31.3, "0.0")]


@pytest.fixture
def moved_within_the_month(beltim):
    """A child weighed at Melati on 3 November, then moved to Kenanga and weighed there on
    20 November (its first weighing there: B at Kenanga), both weighings below the red line;
    and a child weighed only at Kenanga. Melati is in Kurnia Jaya, Kenanga in Lalang Jaya,
    both of Manggar."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    kenanga = factories.posyandu(LALANG_JAYA, "Kenanga")
    moved = _child(melati, "Anak Pindah", D(2024, 3, 1))
    _weigh(moved, melati, D(2025, 10, 10), kg="7.0")
    _weigh(moved, melati, D(2025, 11, 3), kg="7.3")
    moved.posyandu = kenanga
    moved.save()
    _weigh(moved, kenanga, D(2025, 11, 20), kg="7.5")
    other = _child(kenanga, "Anak Kenanga", D(2024, 3, 1), buku=False)
    _weigh(other, kenanga, D(2025, 11, 12), kg="10.0")
    return melati, kenanga


def test_the_total_counts_a_child_weighed_at_two_posyandu_in_the_month_once(
    moved_within_the_month, users
):
    """Each posyandu's row counts the child (its work that month), but the total is of the
    area's children: the moved child is one child in D, counted in N/T/O/B by its row at the
    posyandu of its latest weighing of the month (B at Kenanga), once in BGM; the sum of the
    rows counted it twice in D and both as N and as B (D = 2 of S = 2 children, N/D 50 %)."""
    melati, kenanga = moved_within_the_month
    table = skdn_table(user=users["admin"], tahun=2025, month=11)
    letters = ("s", "k", "d", "n", "t", "o", "b", "two_t", "bgm", "blank")

    def counts(row):
        return {k: getattr(row, k) for k in letters}

    # The rows stay each posyandu's own count.
    assert counts(_row(table, melati)) == dict.fromkeys(letters, 0) | {"d": 1, "n": 1, "bgm": 1}
    assert counts(_row(table, kenanga)) == dict.fromkeys(letters, 0) | {
        "s": 2, "k": 1, "d": 2, "b": 2, "bgm": 1,
    }  # fmt: skip
    assert counts(table.total) == dict.fromkeys(letters, 0) | {
        "s": 2, "k": 1, "d": 2, "b": 2, "bgm": 1,
    }  # fmt: skip
    assert table.total.balanced
    # Both children are new where the total takes them (B at Kenanga): none is judged.
    assert (_row(table, melati).d_prime, table.total.d_prime) == (1, 0)
    assert (table.total.ks, table.total.ds, table.total.nd) == (
        Decimal("50.0"), Decimal("100.0"), None,
    )  # fmt: skip
    # The kecamatan operator's total is the same area's.
    assert counts(skdn_table(user=users["kecamatan"], tahun=2025, month=11).total) == counts(
        table.total
    )


def test_a_child_weighed_at_a_posyandu_out_of_the_table_counts_where_it_is_weighed_in_it(
    moved_within_the_month, users
):
    """The total is of the posyandu in the table: filtered to Kurnia Jaya (Melati), the moved
    child is Melati's N (its later weighing at Kenanga is out of the table), as the Operator
    Desa of Kurnia Jaya sees it."""
    melati, _ = moved_within_the_month
    for table in (
        skdn_table(user=users["admin"], tahun=2025, month=11, desa=KURNIA_JAYA),
        skdn_table(user=users["desa"], tahun=2025, month=11),
    ):
        assert [r.posyandu_id for r in table.rows] == [melati.pk]
        got = (table.total.d, table.total.n, table.total.b, table.total.bgm)
        assert got == (1, 1, 0, 1)


def test_the_skdn_page_and_xlsx_total_count_a_moved_child_once(
    client, moved_within_the_month, users
):
    client.force_login(users["admin"])
    page = client.get("/pertumbuhan/skdn/?bulan=2025-11").content.decode()
    total = page.split('data-testid="skdn-total"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in total.split("<td>")[1:]]
    assert cells[:9] == ["2", "1", "2", "0", "0", "0", "2", "0", "1"]
    assert cells[9:] == ["50,0", "100,0", "–"]
    assert "Total menghitung setiap anak sekali" in page
    response = client.get("/pertumbuhan/skdn/skdn.xlsx?bulan=2025-11")
    sheet = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    last = [c.value for c in list(sheet.iter_rows(min_row=3))[-1]]
    assert last[2:14] == [2, 1, 2, 0, 0, 0, 2, 0, 1, 50.0, 100.0, None]
    assert last[16] == 0  # D'
    assert next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[13:] == (
        "N/D' %", "D = N+T+O+B", "Ditimbang tanpa kode", "D' (ditimbang juga bulan lalu)",
    )  # fmt: skip


def test_a_child_weighed_after_turning_five_is_in_neither_s_nor_d(users):
    """S and D are of the same children, the under-fives (``anthro.summaries``, as the
    prevalence summaries count them: 1826 days at most): a child of 61 months, whose weighing
    the form still accepts (up to 1856 days), was in D but not in S, and D/S passed 100%."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    young = _child(melati, "Balita", D(2023, 5, 1))
    _weigh(young, melati, D(2025, 10, 10), "11.0")
    _weigh(young, melati, D(2025, 11, 10), "11.3")
    old = _child(melati, "Lewat lima tahun", D(2020, 10, 15))  # 1852 days on 10 November
    _weigh(old, melati, D(2025, 10, 10), "17.0")
    _weigh(old, melati, D(2025, 11, 10), "17.3")
    table = skdn_table(user=users["admin"], tahun=2025, month=11)
    row = _row(table, melati)
    assert (row.s, row.d, row.n, row.d_prime, row.ds) == (1, 1, 1, 1, Decimal("100.0"))
    assert (table.total.s, table.total.d, table.total.n) == (1, 1, 1)


def test_a_weighing_after_the_fifth_birthday_does_not_hide_the_one_before_it(users):
    """The child's last weighing of the month counts, among those while under five."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    child = _child(melati, "Ulang tahun kelima", D(2020, 11, 15))  # 1826 days on 15 Nov 2025
    _weigh(child, melati, D(2025, 10, 15), "17.0")
    _weigh(child, melati, D(2025, 11, 15), "17.3")
    _weigh(child, melati, D(2025, 11, 20), "17.4")  # 1831 days: no longer a balita
    table = skdn_table(user=users["admin"], tahun=2025, month=11)
    row = _row(table, melati)
    assert (row.s, row.d, row.n) == (1, 1, 1)
    assert (table.total.d, table.total.n) == (1, 1)


def test_s_counts_a_child_under_five_on_the_first_day_as_the_summaries_do(users):
    """Born 1 December 2020, the child is 1826 days old on 1 December 2025: 59.99 WHO months,
    under five for the prevalence summaries (``n_registered``) and the batch; S left it out
    as 60 calendar months old."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    _child(melati, "Lima tahun hari ini", D(2020, 12, 1))
    _child(melati, "Lima tahun kemarin", D(2020, 11, 30))  # 1827 days: not in S
    assert _row(skdn_table(user=users["admin"], tahun=2025, month=12), melati).s == 1


def test_a_weighing_dated_before_a_corrected_birth_date_is_not_in_d(users):
    """The child was born (by its corrected date) after the month: in no S of it, nor in D."""
    from kampungkb.growth.services import child_update

    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    kid = _child(melati, "Tanggal lahir dikoreksi", D(2025, 10, 1))
    _weigh(kid, melati, D(2025, 11, 10), "4.0")
    child_update(user=users["admin"], child=kid, tanggal_lahir=D(2025, 12, 1))
    row = _row(skdn_table(user=users["admin"], tahun=2025, month=11), melati)
    assert (row.s, row.d, row.b) == (0, 0, 0)


def test_a_child_already_five_on_the_first_of_the_month_is_in_no_letter(beltim, users):
    """Born 20 October 2020: 60 months old before 1 November 2025, so not in November's S;
    weighed on 5 November (stored: the form takes a weighing up to a month past the fifth
    birthday), it was counted in D and B all the same (D/S 200 %)."""
    melati = factories.posyandu(KURNIA_JAYA, "Melati")
    young = _child(melati, "Masih balita", D(2021, 3, 1))
    _weigh(young, melati, D(2025, 11, 5), "15.0")
    old = _child(melati, "Sudah lima tahun", D(2020, 10, 20))
    _weigh(old, melati, D(2025, 11, 5), "17.0")
    table = skdn_table(user=users["admin"], tahun=2025, month=11)
    row = _row(table, melati)
    assert (row.s, row.d, row.b, row.ds) == (1, 1, 1, Decimal("100.0"))
    assert (table.total.s, table.total.d, table.total.b) == (1, 1, 1)


def test_the_page_says_s_and_d_are_children_under_five_by_the_summaries_rule(client, users):
    """S and D now leave out a child past 1826 days (the prevalence figures' rule); the page
    said "D: weighed this month", of any age."""
    client.force_login(users["admin"])
    html = client.get("/pertumbuhan/skdn/?bulan=2025-11").content.decode()
    assert "berumur paling lama 1826 hari" in html
    assert "D: anak yang ditimbang di posyandu bulan ini selagi masih balita" in html
