"""Derive the sasaran, risk factors and KRS label of family survey rounds, in bulk.

The members of the rounds are read as columns (``values_list``), turned into arrays and
given to ``families.krs.evaluate``; the rounds are written back with one bulk UPDATE per chunk.
Both the import (for the rounds it wrote) and a rule change (for every round) call
:func:`labels_compute`; it asks for an analytics refresh once the labels are committed
(``core.events.records_changed_on_commit``), so callers need not.
"""

from collections.abc import Callable, Iterable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from kampungkb.core.bulk import bulk_insert, column_names
from kampungkb.core.events import records_changed_on_commit
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


def _chunk_labels(surveys: list[tuple], rules: dict) -> dict[str, np.ndarray]:
    """Labels of one chunk of rounds: ``surveys`` as (id, survey date, water, latrine)."""
    index = {sid: i for i, (sid, *_rest) in enumerate(surveys)}
    rows = list(
        FamilyMember.objects.filter(survey_id__in=index).values_list(
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
    )
    n = len(surveys)
    dates = np.array([s[1] for s in surveys], dtype="datetime64[D]")
    families = krs.Families(
        water=np.array([s[2] or 0 for s in surveys], dtype=np.int64),
        latrine=np.array([s[3] or 0 for s in surveys], dtype=np.int64),
    )
    if rows:
        cols = list(zip(*rows, strict=True))
        family = np.array([index[s] for s in cols[0]], dtype=np.int64)
        born = np.array(cols[5], dtype="datetime64[D]")
        years, months = _age(born, dates[family])
        members = krs.Members(
            family=family,
            relation=np.array(cols[1], dtype=np.int64),
            sex=np.array(cols[2]),
            married=np.array([s == MaritalStatus.MARRIED for s in cols[3]]),
            pregnant=np.array(cols[4], dtype=bool),
            age_years=years,
            age_months=months,
            birth_day=born.astype(np.int64),
            live_births=np.array([np.nan if b is None else float(b) for b in cols[6]], dtype=float),
        )
        modern = np.array(
            [bool(kb) and m in MODERN_METHODS for kb, m in zip(cols[7], cols[8], strict=True)]
        )
    else:  # no members: no sasaran
        none = np.zeros(0, dtype=np.int64)
        members = krs.Members(
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
    out = krs.evaluate(members, families, rules)
    # A PUS using a modern method: the wife (or her husband, for MOP and condoms) says so.
    if rows:
        wife = (
            (members.sex == "P")
            & members.married
            & np.isin(members.relation, (Relation.HEAD, Relation.SPOUSE))
        )
        lo, hi = rules["pus_age"]
        pus = wife & (members.age_years >= lo) & (members.age_years <= hi)
        couple = np.isin(members.relation, (Relation.HEAD, Relation.SPOUSE)) & members.married
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
    qs = FamilySurvey.objects.order_by("pk")
    if surveys is not None:
        qs = qs.filter(pk__in=list(surveys))
    ids = list(qs.values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        rows = list(
            FamilySurvey.objects.filter(pk__in=part)
            .order_by("pk")
            .values_list("pk", "tanggal_pendataan", "sumber_air", "jamban")
        )
        out = _chunk_labels(rows, rule_set.rules)
        columns = [out[name].tolist() for name in _OUTPUTS.values()]
        values = list(zip(*columns, [r[0] for r in rows], strict=True))
        with transaction.atomic():
            _write(values, rule_set=rule_set)
        done += len(rows)
        if progress is not None:
            progress(done, len(ids))
    if done:
        # The KRS summaries (analytics) are built from these labels.
        records_changed_on_commit(sender="families")
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
