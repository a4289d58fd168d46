"""Derive the sasaran, risk factors and KRS label of family survey rounds, in bulk.

The members of the rounds are read as columns (``values_list``), turned into arrays and
given to ``families.krs.evaluate``; the rounds are written back with one bulk UPDATE per chunk.
Both the import (for the rounds it wrote) and a rule change (for every round) call
:func:`labels_compute`.
"""

from collections.abc import Callable, Iterable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from kampungkb.core.bulk import bulk_insert, column_names
from kampungkb.families import krs
from kampungkb.families.models import (
    MODERN_METHODS,
    FamilyMember,
    FamilySurvey,
    KrsRuleSet,
    MaritalStatus,
    Relation,
)

CHUNK = 20_000  # rounds per pass
# The derived columns, and the krs output each is written from.
_OUTPUTS = {
    **{name: name for name in krs.SASARAN},
    "is_sasaran": "is_sasaran",
    **{field: name for name, field in FamilySurvey.FACTOR_FIELDS.items()},
    "is_krs": "is_krs",
    "pus_kb_modern": "pus_kb_modern",
}


def default_rule_set() -> KrsRuleSet | None:
    return KrsRuleSet.objects.filter(is_default=True).first()


def _age(born: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole years and whole months from ``born`` to ``on`` (datetime64[D] arrays)."""
    by, bm, bd = _ymd(born)
    oy, om, od = _ymd(on)
    months = (oy - by) * 12 + (om - bm) - (od < bd)
    return months // 12, months


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    y = years.astype(int) + 1970
    m = (months - years.astype("datetime64[M]")).astype(int) + 1
    d = (days - months.astype("datetime64[D]")).astype(int) + 1
    return y, m, d


_MEMBER_COLUMNS = (
    "survey_id",
    "hubungan",
    "jenis_kelamin",
    "status_kawin",
    "hamil",
    "tanggal_lahir",
    "anak_lahir_hidup",
    "ber_kb",
    "metode_kb",
)


def survey_rows(surveys: list[int] | None) -> list[tuple]:
    """(id, survey date, water, latrine) of the rounds ``surveys`` (None: every round), by id."""
    qs = FamilySurvey.objects.order_by("pk")
    if surveys is not None:
        qs = qs.filter(pk__in=surveys)
    return list(qs.values_list("pk", "tanggal_pendataan", "sumber_air", "jamban"))


def _member_rows(surveys: list[tuple], *, contiguous: bool) -> list[tuple]:
    qs = FamilyMember.objects.order_by()
    if contiguous:  # every round between the first and the last id is in the chunk
        qs = qs.filter(survey_id__gte=surveys[0][0], survey_id__lte=surveys[-1][0])
    else:
        qs = qs.filter(survey_id__in=[s[0] for s in surveys])
    return list(qs.values_list(*_MEMBER_COLUMNS))


def _no_members() -> krs.Members:
    none = np.zeros(0, dtype=np.int64)
    return krs.Members(
        family=none,
        relation=none,
        sex=np.zeros(0, dtype="<U1"),
        married=np.zeros(0, dtype=bool),
        pregnant=np.zeros(0, dtype=bool),
        age_years=none,
        age_months=none,
        birth_day=none,
        live_births=np.zeros(0, dtype=float),
    )


def member_arrays(
    surveys: list[tuple], *, contiguous: bool = False
) -> tuple[krs.Members, krs.Families, np.ndarray]:
    """The arrays ``krs.evaluate`` takes for the rounds ``surveys`` (rows of
    :func:`survey_rows`, by id), and per member whether a modern method is used.

    ``contiguous``: every round whose id lies between the first and the last is in
    ``surveys``, so the members are read by that id range (no list of ids is sent)."""
    n = len(surveys)
    ids = np.fromiter((s[0] for s in surveys), dtype=np.int64, count=n)
    dates = np.array([s[1] for s in surveys], dtype="datetime64[D]")
    families = krs.Families(
        water=np.array([s[2] or 0 for s in surveys], dtype=np.int64),
        latrine=np.array([s[3] or 0 for s in surveys], dtype=np.int64),
    )
    rows = _member_rows(surveys, contiguous=contiguous) if n else []
    if not rows:  # no members: no sasaran
        return _no_members(), families, np.zeros(0, dtype=bool)
    cols = list(zip(*rows, strict=True))
    survey_ids = np.array(cols[0], dtype=np.int64)
    family = np.minimum(np.searchsorted(ids, survey_ids), n - 1)
    known = ids[family] == survey_ids
    if not known.all():  # a round written meanwhile inside the id range: left for later
        rows = [r for r, k in zip(rows, known.tolist(), strict=True) if k]
        if not rows:
            return _no_members(), families, np.zeros(0, dtype=bool)
        cols = list(zip(*rows, strict=True))
        family = family[known]
    born = np.array(cols[5], dtype="datetime64[D]")
    years, months = _age(born, dates[family])
    # None reads as NaN in a float array: the codes and counts convert without a Python loop.
    members = krs.Members(
        family=family,
        relation=np.array(cols[1], dtype=np.int64),
        sex=np.array(cols[2], dtype="<U1"),
        married=np.array(cols[3], dtype=float) == MaritalStatus.MARRIED,
        pregnant=np.array(cols[4], dtype=bool),
        age_years=years,
        age_months=months,
        birth_day=born.astype(np.int64),
        live_births=np.array(cols[6], dtype=float),
    )
    modern = np.array(cols[7], dtype=bool) & np.isin(
        np.array(cols[8], dtype="<U12"), [str(m) for m in MODERN_METHODS]
    )
    return members, families, modern


def _chunk_labels(
    surveys: list[tuple], rules: dict, *, contiguous: bool = False
) -> dict[str, np.ndarray]:
    """Labels of one chunk of rounds: ``surveys`` as (id, survey date, water, latrine)."""
    n = len(surveys)
    members, families, modern = member_arrays(surveys, contiguous=contiguous)
    out = krs.evaluate(members, families, rules)
    # A PUS using a modern method: the wife (or her husband, for MOP and condoms) says so.
    if members.family.size:
        couple = np.isin(members.relation, (Relation.HEAD, Relation.SPOUSE)) & members.married
        wife = (members.sex == "P") & couple
        lo, hi = rules["pus_age"]
        pus = wife & (members.age_years >= lo) & (members.age_years <= hi)
        out["pus_kb_modern"] = out["sasaran_pus"] & (
            np.bincount(members.family[(pus | couple) & modern], minlength=n) > 0
        )
    else:
        out["pus_kb_modern"] = np.zeros(n, dtype=bool)
    return out


def labels_compute(
    surveys: Iterable[int] | None = None,
    *,
    rule_set: KrsRuleSet | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute and store the labels of the rounds ``surveys`` (ids; ``None``: every round)
    with ``rule_set`` (default: the default rule set). Returns how many rounds were labelled.
    ``progress(done, total)`` is called after each chunk."""
    rule_set = rule_set or default_rule_set()
    if rule_set is None:
        return 0
    wanted = None if surveys is None else list(surveys)
    if wanted is None:
        ids = list(FamilySurvey.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = list(
            FamilySurvey.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True)
        )
    done = 0
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        if wanted is None:  # every round: read the chunk by its id range
            rows = list(
                FamilySurvey.objects.filter(pk__gte=part[0], pk__lte=part[-1])
                .order_by("pk")
                .values_list("pk", "tanggal_pendataan", "sumber_air", "jamban")
            )
        else:
            rows = survey_rows(part)
        out = _chunk_labels(rows, rule_set.rules, contiguous=wanted is None)
        columns = [out[name].tolist() for name in _OUTPUTS.values()]
        values = list(zip(*columns, [r[0] for r in rows], strict=True))
        with transaction.atomic():
            _write(values, rule_set=rule_set)
        done += len(rows)
        if progress is not None:
            progress(done, len(ids))
    return done


def _write(values: list[tuple], *, rule_set: KrsRuleSet) -> None:
    """Write the derived columns of each round (``values``: the columns of ``_OUTPUTS``, then
    the id): one prepared UPDATE per row on SQLite; on PostgreSQL a binary COPY into a
    temporary table and one UPDATE joined on id."""
    table = connection.ops.quote_name(FamilySurvey._meta.db_table)
    names = column_names(FamilySurvey, _OUTPUTS)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{c} = %s" for c in names)
            # SQLite binds ints faster than bools (bools go through the adapter lookup).
            rows = [(*(int(v) for v in row[:-1]), row[-1]) for row in values]
            cursor.executemany(
                f"UPDATE {table} SET {assignments}, rule_set_id = {int(rule_set.pk)}, "  # noqa: S608
                f"computed_at = '{now}' WHERE id = %s",
                rows,
            )
            return
        bulk_insert(FamilySurvey, (*_OUTPUTS, "id"), values, into="_krs_labels", binary=True)
        assignments = ", ".join(f"{c} = r.{c}" for c in names)
        cursor.execute(
            f"UPDATE {table} AS s SET {assignments}, rule_set_id = %s, computed_at = %s "  # noqa: S608
            "FROM _krs_labels AS r WHERE s.id = r.id",
            [rule_set.pk, now],
        )
