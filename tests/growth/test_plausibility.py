"""Values that need checking ("perlu dicek", issue 12 item 2): questioned before saving, saved
marked after the kader confirms, graded by nothing and counted nowhere until reviewed."""

import datetime
import random
from decimal import Decimal as D

import pytest

from kampungkb.core.models import AuditEntry
from kampungkb.growth import plausibility
from kampungkb.growth.importing.commit import measurements_import
from kampungkb.growth.kbm.recompute import measurements_recompute_all
from kampungkb.growth.models import Measurement
from kampungkb.growth.plausibility import (
    HEIGHT_DROP_TOLERANCE_CM,
    Reason,
    check_series,
    series_clear,
    series_marks,
    weight_change_limits,
)
from kampungkb.growth.plausibility_rules import WHO_FLAGS
from kampungkb.growth.presenters import measurement_advice
from kampungkb.growth.services import (
    MeasurementNeedsCheck,
    measurement_check_confirm,
    measurement_record,
    measurement_update,
)
from tests import factories
from tests.conftest import KURNIA_JAYA


def _ago(days, *, today):
    return today - datetime.timedelta(days=days)


@pytest.fixture
def toddler(beltim, today):
    """Three years old, weighed 13.4 kg and 101.3 cm (standing) a month ago."""
    child = factories.child(
        KURNIA_JAYA,
        nama="Raka Pratama",
        jenis_kelamin="L",
        tanggal_lahir=_ago(1100, today=today),
        nama_ibu="Ibu Raka",
    )
    measurement_record(
        user=None, child=child, tanggal=_ago(31, today=today), berat=D("13.4"), tinggi=D("101.3"),
        cara_ukur="TB",
    )  # fmt: skip
    return child


def _weigh(user, child, *, today, **values):
    return measurement_record(user=user, child=child, tanggal=today, **values)


# --- the rules ------------------------------------------------------------------------------


def test_weight_change_limits_allow_a_reading_error_and_grow_with_the_days():
    assert weight_change_limits(10.0, 1) == (0.7, 1.6)
    assert weight_change_limits(10.0, 30) == (6.5, 4.5)
    assert weight_change_limits(10.0, 365)[1] == 5.5  # never more than half the weight lost


class _M:
    def __init__(
        self, day, berat=None, tinggi=None, cara="TB", needs_check=False, *, today, **flags
    ):
        self.tanggal = _ago(day, today=today)
        self.berat = None if berat is None else D(berat)
        self.tinggi = None if tinggi is None else D(tinggi)
        self.cara_ukur = cara
        self.needs_check = needs_check
        self.__dict__.update(flags)


def _reasons(series, i):
    return [f.reason for f in check_series(series, {i}).get(i, [])]


def test_a_height_lower_by_more_than_the_tolerance_is_questioned_and_within_it_is_not(today):
    before = _M(30, tinggi="101.3", today=today)
    assert _reasons([before, _M(0, tinggi="95.4", today=today)], 1) == [Reason.HEIGHT_DROP]
    within = str(D("101.3") - D(str(HEIGHT_DROP_TOLERANCE_CM)))
    assert _reasons([before, _M(0, tinggi=within, today=today)], 1) == []


def test_lying_length_and_standing_height_are_compared_as_the_same_measure(today):
    # 0.7 cm less standing than lying is the method, not a drop; 1.8 cm less is a drop.
    lying = _M(30, tinggi="86.0", cara="PB", today=today)
    assert _reasons([lying, _M(0, tinggi="84.9", cara="TB", today=today)], 1) == []
    assert _reasons([lying, _M(0, tinggi="84.1", cara="TB", today=today)], 1) == [
        Reason.HEIGHT_DROP
    ]


def test_a_measurement_that_needs_checking_is_not_what_the_next_is_compared_with(today):
    series = [
        _M(60, berat="12.0", today=today),
        _M(30, berat="45.0", needs_check=True, today=today),
        _M(0, berat="12.3", today=today),
    ]
    assert _reasons(series, 2) == []
    assert _reasons([*series[:1], _M(30, berat="45.0", today=today)], 1) == [Reason.WEIGHT_CHANGE]


def test_who_flags_are_reasons(today):
    m = _M(0, berat="45.0", fwei=True, zwei=9.8, today=today)
    assert _reasons([m], 0) == [Reason.WHO_WFA]


def _random_series(
    rng, longest: int, missing: float, some_need_check: bool, *, today: datetime.date
) -> list:
    """One child's measurements, oldest first: weights and heights that step by ordinary,
    doubtful and impossible amounts, some values missing, a few WHO flags (and, with
    ``some_need_check``, a few marked as waiting to be checked)."""
    weight, height, mine = 8.0 + rng.random() * 4, 70.0 + rng.random() * 20, []
    for day in range(rng.randint(1, longest), 0, -1):
        weight += rng.choice((0.3, -0.2, 0.0, 2.4, -3.1, 9.0))
        height += rng.choice((1.0, 0.4, -0.4, -0.98, -1.02, -3.0, 0.0))
        berat = None if rng.random() < missing else f"{weight:.2f}"
        tinggi = None if rng.random() < missing else f"{height:.1f}"
        cara = rng.choice(("PB", "TB"))
        marked = {"needs_check": rng.random() < 0.05} if some_need_check else {}
        flags = {f: rng.random() < 0.02 for f in WHO_FLAGS}
        m = _M(
            day * 30, berat=berat, tinggi=tinggi, cara=cara, **marked, **flags,
            zwei=0.0, zlen=0.0, zwfl=0.0, zbmi=0.0, zhc=0.0, zac=0.0, today=today,
        )  # fmt: skip
        mine.append(m)
    return mine


def _columns(series: list) -> dict:
    """The measurements as the array rules take them (``plausibility_rules``)."""
    return {
        "weight": [m.berat for m in series],
        "lenhei": [m.tinggi for m in series],
        "method": [m.cara_ukur for m in series],
        "age_days": [m.tanggal.toordinal() for m in series],
        "needs_check": [m.needs_check for m in series],
        **{f: [float(getattr(m, f)) for m in series] for f in WHO_FLAGS},
    }


def test_a_series_called_clear_all_at_once_is_one_the_rules_find_nothing_in(today):
    """``series_clear`` decides for many series at once what ``check_series`` says one by one:
    never clear where a rule finds something (a False only sends the series to the rules)."""
    rng = random.Random(20261129)
    series, numbers, targets, expected = [], [], [], []
    for n in range(400):
        mine = _random_series(rng, 5, missing=0.03, some_need_check=True, today=today)
        chosen = {i for i in range(len(mine)) if rng.random() < 0.7}
        series += mine
        numbers += [n] * len(mine)
        targets += [i in chosen for i in range(len(mine))]
        expected.append(check_series(mine, chosen) == {})
    clear = series_clear(numbers, targets, _columns(series)).tolist()
    assert all(found for found, said in zip(expected, clear, strict=True) if said)
    assert 100 < sum(clear) < sum(expected)  # most series decided at once, not all of them
    assert series_clear([], [], {}).tolist() == []


def test_series_marks_are_what_check_series_finds_with_every_measurement_a_target(today):
    """The national batch marks a history with ``series_marks`` (arrays, no Django): the
    same measurements ``check_series`` questions when each is checked as it comes."""
    rng = random.Random(20261130)
    series, numbers, expected = [], [], []
    for n in range(300):
        mine = _random_series(rng, 6, missing=0.05, some_need_check=False, today=today)
        found = check_series(mine, set(range(len(mine))))
        series += mine
        numbers += [n] * len(mine)
        expected += [i in found for i in range(len(mine))]
    marks = series_marks(numbers, _columns(series)).tolist()
    assert marks == expected and 50 < sum(marks) < len(marks) / 2
    # The flags the rules read are those the reasons name.
    assert set(WHO_FLAGS) == {flag for flag, *_rest in plausibility._WHO}


# --- the service ------------------------------------------------------------------------------


def test_45_kg_for_a_two_year_old_asks_to_check_then_saves_marked_without_a_growth_code(
    users, toddler, today
):
    with pytest.raises(MeasurementNeedsCheck) as caught:
        _weigh(
            users["desa"], toddler, berat=D("45"), tinggi=D("102.0"), cara_ukur="TB", today=today
        )
    assert "berat" in caught.value.message_dict
    assert "45" not in "".join(caught.value.message_dict.get("tinggi", []))
    assert Measurement.objects.count() == 1  # nothing saved

    m = _weigh(
        users["desa"],
        toddler,
        berat=D("45"),
        tinggi=D("102.0"),
        cara_ukur="TB",
        confirmed=True,
        today=today,
    )
    assert m.needs_check
    assert {"who_wfa", "weight_change"} <= set(m.check_reasons.split())
    # No "N (naik) 31600 g": a value waiting to be checked gets no code, gain or status.
    assert (m.growth_code, m.kenaikan_gram, m.kbm_gram, m.two_t) == ("", None, None, False)
    assert m.underweight is None and m.stunted is None and m.overweight is None
    entry = AuditEntry.objects.filter(action="create").latest("pk")
    assert entry.changes["needs_check"] is True


def test_a_height_drop_saved_after_checking_does_not_refer_for_stunting(users, toddler, today):
    values = {"berat": D("13.6"), "tinggi": D("95.4"), "cara_ukur": "TB"}
    with pytest.raises(MeasurementNeedsCheck) as caught:
        _weigh(users["desa"], toddler, **values, today=today)
    assert "tinggi" in caught.value.message_dict
    m = _weigh(users["desa"], toddler, confirmed=True, **values, today=today)
    assert m.needs_check and m.check_reasons == "height_drop"
    assert m.stunted is None
    advice = " ".join(a.message for a in measurement_advice(m)).lower()
    assert "stunting" not in advice and "pendek" not in advice and "dicek" in advice


def test_the_next_weighing_is_compared_with_the_last_value_that_does_not_need_checking(
    users, toddler, today
):
    flagged = measurement_record(
        user=users["desa"],
        child=toddler,
        tanggal=_ago(15, today=today),
        berat=D("45"),
        confirmed=True,
    )
    m = _weigh(users["desa"], toddler, berat=D("13.7"), today=today)
    assert flagged.needs_check and not m.needs_check  # not "31.3 kg lost"
    assert m.kenaikan_gram == 300  # against 13.4 kg, a month ago


def test_a_correction_that_passes_clears_the_mark(users, toddler, today):
    m = _weigh(users["desa"], toddler, berat=D("45"), confirmed=True, today=today)
    m = measurement_update(user=users["desa"], measurement=m, berat=D("13.6"))
    assert not m.needs_check and m.check_reasons == ""
    assert m.growth_code in ("N", "O") and m.kenaikan_gram == 200


def test_confirming_clears_the_mark_with_an_audit_entry_and_the_value_counts_again(
    users, toddler, today
):
    values = {"berat": D("13.6"), "tinggi": D("95.4"), "cara_ukur": "TB"}
    m = _weigh(users["desa"], toddler, confirmed=True, **values, today=today)
    assert m.stunted is None
    m = measurement_check_confirm(user=users["kecamatan"], measurement=m)
    assert not m.needs_check and m.stunted is not None
    entry = AuditEntry.objects.filter(object_id=str(m.pk), action="update").latest("pk")
    assert entry.changes["needs_check"] == [True, False]
    assert entry.changes["check_reasons"] == ["height_drop", ""]


def test_read_only_roles_cannot_confirm(users, toddler, today):
    from django.core.exceptions import PermissionDenied

    m = _weigh(users["desa"], toddler, berat=D("45"), confirmed=True, today=today)
    with pytest.raises(PermissionDenied):
        measurement_check_confirm(user=users["mitra"], measurement=m)
    m.refresh_from_db()
    assert m.needs_check


def test_the_kbm_recompute_gives_no_code_to_a_value_that_needs_checking(users, toddler, today):
    m = _weigh(users["desa"], toddler, berat=D("45"), confirmed=True, today=today)
    Measurement.objects.filter(pk=m.pk).update(growth_code="N", kenaikan_gram=31600)
    measurements_recompute_all(force=True)
    m.refresh_from_db()
    assert (m.growth_code, m.kenaikan_gram) == ("", None)


# --- the import ------------------------------------------------------------------------------


def test_an_import_marks_implausible_rows_and_keeps_the_others(users, eppgbm, beltim):
    path = eppgbm.xlsx(
        [
            eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025", "Berat": "10,0", "Tinggi": "79,0"}),
            eppgbm.row(**{"Tanggal Pengukuran": "15/09/2025", "Berat": "10,2", "Tinggi": "72,0"}),
            eppgbm.row(**{"Tanggal Pengukuran": "15/10/2025", "Berat": "10,4", "Tinggi": "80,0"}),
        ]
    )
    measurements_import(user=users["desa"], path=path)
    rows = list(Measurement.objects.order_by("tanggal"))
    assert [m.needs_check for m in rows] == [False, True, False]
    assert rows[1].check_reasons == "height_drop" and rows[1].stunted is None
    assert rows[2].growth_code == "O"  # compared with August, the last value not questioned


def test_a_questioned_value_corrected_by_a_re_import_counts_again(users, eppgbm, beltim):
    """The file's corrected value clears the mark, and the statuses the mark withheld are
    computed again (not left empty as while it waited to be checked)."""
    september = {"Tanggal Pengukuran": "15/09/2025", "Berat": "10,2"}
    august = eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025", "Berat": "10,0", "Tinggi": "79,0"})
    first = eppgbm.xlsx([august, eppgbm.row(**september, Tinggi="72,0")], name="a.xlsx")
    measurements_import(user=users["desa"], path=first)
    questioned = Measurement.objects.get(tanggal=datetime.date(2025, 9, 15))
    assert questioned.needs_check and questioned.stunted is None
    again = eppgbm.xlsx([august, eppgbm.row(**september, Tinggi="79,5")], name="b.xlsx")
    assert measurements_import(user=users["desa"], path=again).n_updated == 1
    corrected = Measurement.objects.get(pk=questioned.pk)
    assert not corrected.needs_check and corrected.check_reasons == ""
    assert corrected.stunted is not None and corrected.underweight is not None


# --- the pages -------------------------------------------------------------------------------


HTMX = {"HTTP_HX_REQUEST": "true"}


def _measure_url(posyandu, child, *, today):
    return f"/pertumbuhan/sesi/{posyandu.pk}/{today.isoformat()}/ukur/{child.pk}/"


def test_the_session_asks_to_check_and_saves_when_the_kader_confirms(client, users, toddler, today):
    posyandu = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    client.force_login(users["desa"])
    data = {"berat": "45", "tinggi": "102", "cara_ukur": "TB"}
    response = client.post(_measure_url(posyandu, toddler, today=today), data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="needs-check"' in body and 'name="confirm" value="1"' in body
    assert "batas WHO" in body
    assert Measurement.objects.count() == 1

    response = client.post(
        _measure_url(posyandu, toddler, today=today), data | {"confirm": "1"}, **HTMX
    )
    assert response.status_code == 200
    assert 'data-testid="needs-check-badge"' in response.content.decode()
    assert Measurement.objects.get(tanggal=today).needs_check


def test_the_review_list_shows_marked_values_and_confirming_clears_them(
    client, users, toddler, today
):
    m = _weigh(users["desa"], toddler, berat=D("45"), confirmed=True, today=today)
    client.force_login(users["kecamatan"])
    body = client.get("/pertumbuhan/perlu-dicek/").content.decode()
    assert "Raka Pratama" in body and "45 kg" in body and "Perubahan berat" in body
    # The list names children: one VIEW entry, with how many rows it held.
    seen = AuditEntry.objects.filter(action="view", object_type="growth.child").latest("pk")
    assert seen.actor == users["kecamatan"]
    assert (seen.changes["page"], seen.changes["count"]) == ("check_list", 1)
    response = client.post(f"/pertumbuhan/pengukuran/{m.pk}/benar/")
    assert response.status_code == 302
    m.refresh_from_db()
    assert not m.needs_check
    body = client.get("/pertumbuhan/perlu-dicek/").content.decode()
    assert "dikonfirmasi benar" in body and 'data-testid="check-row"' not in body


def test_correcting_from_the_review_list_asks_again_and_a_good_value_clears_the_mark(
    client, users, toddler, today
):
    m = _weigh(users["desa"], toddler, berat=D("45"), confirmed=True, today=today)
    client.force_login(users["kecamatan"])
    url = f"/pertumbuhan/pengukuran/{m.pk}/ubah/"
    assert 'data-testid="marked-needs-check"' in client.get(url).content.decode()
    response = client.post(url, {"berat": "45"})
    assert response.status_code == 400
    assert 'name="confirm" value="1"' in response.content.decode()
    assert client.post(url, {"berat": "13,6"}).status_code == 302
    m.refresh_from_db()
    assert not m.needs_check and m.kenaikan_gram == 200
