"""The rules of pregnancy monitoring, as pure functions: dates and values in, answer out.

Sources and choices:

- ANC contacts. Permenkes 21/2021 (Pasal 13; "Penyelenggaraan Pelayanan Kesehatan Masa Sebelum
  Hamil, Masa Hamil, Persalinan, dan Masa Sesudah Melahirkan ...") asks for at least six
  contacts: one in trimester 1, two in trimester 2, three in trimester 3 (K6). The older
  standard, still the KPM scorecard's indicator "ANC at least 4 times" (DOMAIN.md §5), is K4:
  one, one and two (Permenkes 97/2014). A contact counts only for the trimester it falls in: an
  extra contact in trimester 1 does not make up for a missing one in trimester 3. The contact's
  K number is its rank in the pregnancy (K1 is the first contact, whenever it happens).
- Trimesters as the rest of the TPK pages count them (``lifecycle.gestational_age``): 1 up to
  12 completed weeks, 2 from 13 to 27, 3 from 28 weeks. [ASSUMPTION] some Kemenkes 2020
  material puts the trimester 2/3 boundary at 24 weeks; one constant changes it.
- KEK (chronic energy deficiency): LiLA < 23.5 cm (DOMAIN.md §3.3).
- Anaemia in pregnancy: Hb < 11.0 g/dL (WHO; the catin cut-off of 11.5 in DOMAIN.md §3.3 is for
  women before pregnancy).
- Iron tablets (TTD): at least 90 taken during the pregnancy (DOMAIN.md §5 indicator 2, §7).
- Age: "4 Terlalu" (DOMAIN.md §3.1): too young under 20, too old from 35.
- Short interval: under two years between the previous delivery and this pregnancy's HPHT
  ("terlalu dekat", DOMAIN.md §3.1).
- Blood pressure of 140/90 mmHg or more: hypertension in pregnancy (WHO).
- Nifas visits (Permenkes 21/2021): KF1 from 6 hours to 2 days after delivery, KF2 days 3-7,
  KF3 days 8-28, KF4 days 29-42. A KB pasca persalinan decision counts within 42 days.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kampungkb.families.krs import months_between
from kampungkb.families.tpk.lifecycle import add_years

KEK_LILA_CM = Decimal("23.5")
ANAEMIA_HB = Decimal("11.0")
TTD_TARGET = 90
YOUNG_AGE = 20
OLD_AGE = 35
SHORT_INTERVAL_YEARS = 2  # "under 2 years" between a delivery and the next pregnancy
HYPERTENSION_SYSTOLIC = 140
HYPERTENSION_DIASTOLIC = 90
POSTPARTUM_DAYS = 42
# The first week of trimesters 2 and 3 (completed weeks since the HPHT).
TRIMESTER_2_WEEK = 13
TRIMESTER_3_WEEK = 28
K6_MINIMUM = {1: 1, 2: 2, 3: 3}
K4_MINIMUM = {1: 1, 2: 1, 3: 2}
# KF number: (first day, last day) after delivery.
NIFAS_WINDOWS = {1: (0, 2), 2: (3, 7), 3: (8, 28), 4: (29, 42)}


def trimester(hpht: datetime.date, day: datetime.date) -> int | None:
    """The trimester of a pregnancy that began (HPHT) on ``hpht``, on ``day``; ``None`` before.

    >>> start = datetime.date(2026, 1, 1)
    >>> [trimester(start, start + datetime.timedelta(weeks=w)) for w in (0, 12, 13, 27, 28, 41)]
    [1, 1, 2, 2, 3, 3]
    >>> trimester(start, datetime.date(2025, 12, 31)) is None
    True
    """
    if day < hpht:
        return None
    weeks = (day - hpht).days // 7
    return 1 if weeks < TRIMESTER_2_WEEK else 2 if weeks < TRIMESTER_3_WEEK else 3


@dataclass(frozen=True)
class AncNumber:
    day: datetime.date
    k: int  # the contact's rank: K1, K2, ...
    trimester: int


def anc_numbers(hpht: datetime.date, days: Iterable[datetime.date]) -> list[AncNumber]:
    """Each ANC contact's K number and trimester, in date order (contacts before the HPHT,
    which the services refuse, are left out).

    >>> start = datetime.date(2026, 1, 1)
    >>> [(n.k, n.trimester) for n in anc_numbers(start, [start + datetime.timedelta(weeks=w)
    ...                                                   for w in (30, 8, 20)])]
    [(1, 1), (2, 2), (3, 3)]
    """
    ordered = sorted(d for d in days if d >= hpht)
    return [AncNumber(d, i, trimester(hpht, d)) for i, d in enumerate(ordered, start=1)]


@dataclass(frozen=True)
class AncStatus:
    by_trimester: dict[int, int]  # contacts per trimester
    total: int
    current_trimester: int | None
    k1_in_trimester_1: bool
    k4: bool  # 1-1-2 met
    k6: bool  # 1-2-3 met
    # Contacts lacking for K6 in the trimesters already over: {trimester: (had, needed)}.
    missing: dict[int, tuple[int, int]] = field(default_factory=dict)


def _meets(by_trimester: dict[int, int], minimum: dict[int, int]) -> bool:
    return all(by_trimester[t] >= n for t, n in minimum.items())


def anc_status(hpht: datetime.date, days: Iterable[datetime.date], on: datetime.date) -> AncStatus:
    """The ANC contacts of a pregnancy counted on day ``on`` (later contacts are ignored):
    per trimester, K4/K6 met, and what is missing in the trimesters already over.

    >>> start = datetime.date(2026, 1, 1)
    >>> weeks = lambda *ws: [start + datetime.timedelta(weeks=w) for w in ws]
    >>> s = anc_status(start, weeks(10, 16, 30, 34), start + datetime.timedelta(weeks=35))
    >>> (s.k4, s.k6, s.missing)
    (True, False, {2: (1, 2)})
    >>> anc_status(start, weeks(10, 16, 20, 30, 34, 38), start + datetime.timedelta(weeks=39)).k6
    True
    """
    numbers = [n for n in anc_numbers(hpht, days) if n.day <= on]
    by_trimester = {1: 0, 2: 0, 3: 0}
    for n in numbers:
        by_trimester[n.trimester] += 1
    current = trimester(hpht, on)
    missing = {
        t: (by_trimester[t], need)
        for t, need in K6_MINIMUM.items()
        if current is not None and t < current and by_trimester[t] < need
    }
    return AncStatus(
        by_trimester=by_trimester,
        total=len(numbers),
        current_trimester=current,
        k1_in_trimester_1=by_trimester[1] > 0,
        k4=_meets(by_trimester, K4_MINIMUM),
        k6=_meets(by_trimester, K6_MINIMUM),
        missing=missing,
    )


def _ymd(day: datetime.date) -> tuple[int, int, int]:
    return day.year, day.month, day.day


def age_years(born: datetime.date, on: datetime.date) -> int:
    """Completed years of age on ``on``.

    >>> age_years(datetime.date(2006, 3, 1), datetime.date(2026, 2, 28))
    19
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def is_kek(lila) -> bool:
    """LiLA (cm) under 23.5: KEK. Unknown (``None``) is not KEK.

    >>> is_kek(Decimal("23.4")), is_kek(Decimal("23.5")), is_kek(None)
    (True, False, False)
    """
    return lila is not None and Decimal(lila) < KEK_LILA_CM


def is_anaemic(hb) -> bool:
    """Hb (g/dL) under 11.0: anaemia in pregnancy. Unknown is not anaemia.

    >>> is_anaemic(Decimal("10.9")), is_anaemic(Decimal("11.0")), is_anaemic(None)
    (True, False, False)
    """
    return hb is not None and Decimal(hb) < ANAEMIA_HB


def is_hypertensive(systolic: int | None, diastolic: int | None) -> bool:
    """140 mmHg systolic or 90 diastolic or more.

    >>> is_hypertensive(139, 89), is_hypertensive(140, 80), is_hypertensive(None, 90)
    (False, True, True)
    """
    return (systolic or 0) >= HYPERTENSION_SYSTOLIC or (diastolic or 0) >= HYPERTENSION_DIASTOLIC


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str


@dataclass(frozen=True)
class Measures:
    """The latest values of a pregnancy (``None`` when never measured)."""

    lila: Decimal | None = None
    hb: Decimal | None = None
    systolic: int | None = None
    diastolic: int | None = None


def risk_flags(
    *,
    hpht: datetime.date,
    on: datetime.date,
    anc: AncStatus,
    measures: Measures,
    born: datetime.date | None = None,
    previous_delivery: datetime.date | None = None,
) -> list[Flag]:
    """The risk flags of a pregnancy on ``on``, each with its reason in the user's language.

    ``born`` is the mother's date of birth and ``previous_delivery`` the date her previous
    pregnancy ended, when known (an unknown value raises no flag).
    """
    flags: list[Flag] = []
    if born is not None:
        age = age_years(born, hpht)
        if age < YOUNG_AGE:
            flags.append(
                Flag("usia_muda", _("Aged %(age)d at conception: under 20.") % {"age": age})
            )
        elif age >= OLD_AGE:
            flags.append(
                Flag("usia_tua", _("Aged %(age)d at conception: 35 or older.") % {"age": age})
            )
    if is_kek(measures.lila):
        flags.append(
            Flag(
                "kek",
                _("KEK: LiLA %(lila)s cm, under 23.5 cm.")
                % {"lila": number_format(measures.lila, 1)},
            )
        )
    if is_anaemic(measures.hb):
        flags.append(
            Flag(
                "anemia",
                _("Anaemia: Hb %(hb)s g/dL, under 11.0 g/dL.")
                % {"hb": number_format(measures.hb, 1)},
            )
        )
    if is_hypertensive(measures.systolic, measures.diastolic):
        flags.append(
            Flag(
                "hipertensi",
                _("Blood pressure %(sys)s/%(dia)s mmHg: 140/90 or more.")
                % {"sys": measures.systolic or "—", "dia": measures.diastolic or "—"},
            )
        )
    if previous_delivery is not None and hpht >= previous_delivery:
        # Whole calendar months, as the KRS rule counts a gap (days // 30 said "24 months:
        # under 2 years" for 729 days).
        gap = int(months_between(_ymd(previous_delivery), _ymd(hpht)))
        # Two years as the calendar counts them, whatever the leap days between.
        if hpht < add_years(previous_delivery, SHORT_INTERVAL_YEARS):
            flags.append(
                Flag(
                    "jarak_dekat",
                    _("Pregnant %(months)d months after the previous delivery: under 2 years.")
                    % {"months": gap},
                )
            )
    if anc.current_trimester and anc.current_trimester > 1 and not anc.k1_in_trimester_1:
        flags.append(Flag("tanpa_k1", _("No ANC contact in trimester 1.")))
    for t, (had, need) in sorted(anc.missing.items()):
        if t == 1:
            continue  # said above
        flags.append(
            Flag(
                f"anc_kurang_t{t}",
                _("Trimester %(t)d: %(had)d of %(need)d ANC contacts.")
                % {"t": t, "had": had, "need": need},
            )
        )
    return flags


# The flags that make a pregnancy "risti" (risiko tinggi) for the KPM scorecard: the woman's
# own risks (4 Terlalu age and spacing, KEK, anaemia, hypertension), not the ANC contacts she
# missed (those are the service the scorecard counts, not a reason for a home visit).
RISTI_FLAGS = frozenset({"usia_muda", "usia_tua", "kek", "anemia", "hipertensi", "jarak_dekat"})
# Nifas visits the KPM scorecard asks for (DOMAIN.md §5 indicator 3).
NIFAS_MINIMUM = 3


def is_risti(flags: Iterable[Flag]) -> bool:
    """Whether any of ``flags`` makes the pregnancy risti or KEK.

    >>> is_risti([Flag("tanpa_k1", "")]), is_risti([Flag("kek", ""), Flag("tanpa_k1", "")])
    (False, True)
    """
    return any(f.code in RISTI_FLAGS for f in flags)


def nifas_number(delivered: datetime.date, day: datetime.date) -> int | None:
    """The KF number of a nifas visit on ``day`` after a delivery on ``delivered`` (``None``
    outside the 42 days).

    >>> d = datetime.date(2026, 1, 1)
    >>> [nifas_number(d, d + datetime.timedelta(days=n)) for n in (0, 2, 3, 7, 8, 28, 29, 42, 43)]
    [1, 1, 2, 2, 3, 3, 4, 4, None]
    """
    days = (day - delivered).days
    for kf, (first, last) in NIFAS_WINDOWS.items():
        if first <= days <= last:
            return kf
    return None


def kb_within_42_days(delivered: datetime.date, decided: datetime.date | None) -> bool:
    """Whether a KB decision on ``decided`` falls within 42 days after the delivery.

    >>> d = datetime.date(2026, 1, 1)
    >>> kb_within_42_days(d, d + datetime.timedelta(days=42)), kb_within_42_days(d, None)
    (True, False)
    """
    return decided is not None and 0 <= (decided - delivered).days <= POSTPARTUM_DAYS
