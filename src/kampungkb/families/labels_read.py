"""Read family survey rounds and their members as arrays for ``families.krs``, fast.

The recompute after a rule change reads every member of every round: a few hundred thousand
rows. Through the ORM each row would become a tuple of Python dates, strings and booleans; here
the database packs each member into four integers (its round, its flags, its date of birth as a
day number, its live births) and each round into six, which numpy takes as they come. On
PostgreSQL the integers come by a binary COPY straight into numpy (``families.pgcopy``), with
no Python object per value; elsewhere (SQLite) as the rows of a plain cursor.
"""

import numpy as np
from django.db import connection

from kampungkb.families import krs, pgcopy
from kampungkb.families.models import (
    MODERN_METHODS,
    FamilyMember,
    FamilySurvey,
    MaritalStatus,
    Relation,
)

# Member flags packed above the relation (1-4, three bits).
FEMALE, MARRIED, PREGNANT, MODERN = 8, 16, 32, 64
# The derived columns of a round, in the order of their bits in the packed labels.
LABEL_FIELDS = (
    *krs.SASARAN,
    "is_sasaran",
    *FamilySurvey.FACTOR_FIELDS.values(),
    "is_krs",
    "pus_kb_modern",
)
#: The krs output each derived column is written from.
LABEL_SOURCES = {
    **{name: name for name in krs.SASARAN},
    "is_sasaran": "is_sasaran",
    **{field: name for name, field in FamilySurvey.FACTOR_FIELDS.items()},
    "is_krs": "is_krs",
    "pus_kb_modern": "pus_kb_modern",
}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _day_number(column: str) -> str:
    """SQL giving the date in ``column`` as days since 1970-01-01."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _int(expr: str) -> str:
    """``expr`` as a 64-bit integer (what ``families.pgcopy`` reads)."""
    return f"CAST({expr} AS BIGINT)"


def _flag(condition: str, bit: int) -> str:
    return f"CASE WHEN {condition} THEN {bit} ELSE 0 END"


def _where(ids, contiguous: bool, column: str) -> str:
    """SQL keeping the rows whose ``column`` is one of ``ids`` (ascending when ``contiguous``:
    every id between the first and the last), with the ids written as integer literals (the
    query has no parameters, as a COPY needs, and no limit on the number of ids)."""
    ids = [int(i) for i in ids]
    if contiguous:
        return f"{column} BETWEEN {ids[0]} AND {ids[-1]}"
    return f"{column} IN ({', '.join(map(str, ids))})"


def _int64_rows(sql: str, width: int, *, ordered: bool = False) -> np.ndarray:
    """The rows of ``sql`` (``width`` non-NULL integer columns) as an ``(n, width)`` array;
    ``ordered``: ``sql`` orders them by the first column, which must be kept."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return pgcopy.read_int64(cursor, sql, width, ordered=ordered)
        cursor.execute(sql)
        rows = cursor.fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def survey_ids() -> np.ndarray:
    """The ids of every survey round, ascending."""
    table = _q(FamilySurvey._meta.db_table)
    return _int64_rows(f"SELECT {_q('id')} FROM {table} ORDER BY {_q('id')}", 1, ordered=True)[:, 0]  # noqa: S608


def survey_arrays(ids: list[int], *, contiguous: bool) -> dict[str, np.ndarray]:
    """Per round, by id: ``id``, ``day`` (survey date), ``water``, ``latrine``, ``labels``
    (the stored derived columns packed as bits of LABEL_FIELDS) and ``fresh`` (1: never
    labelled)."""
    table = FamilySurvey._meta.db_table
    labels = " + ".join(_flag(_q(f), 1 << i) for i, f in enumerate(LABEL_FIELDS))
    where = _where(ids, contiguous, _q("id"))
    columns = [
        _q("id"),
        _int(_day_number(_q("tanggal_pendataan"))),
        _int(f"COALESCE({_q('sumber_air')}, 0)"),
        _int(f"COALESCE({_q('jamban')}, 0)"),
        _int(labels),
        _int(_flag(_q("rule_set_id") + " IS NULL", 1)),
    ]
    sql = (
        f"SELECT {', '.join(columns)} "  # noqa: S608
        f"FROM {_q(table)} WHERE {where} ORDER BY {_q('id')}"
    )
    data = _int64_rows(sql, 6, ordered=True)
    return dict(zip(("id", "day", "water", "latrine", "labels", "fresh"), data.T, strict=True))


def _member_matrix(ids: list[int], *, contiguous: bool) -> np.ndarray:
    """(survey id, flags | relation, birth day, live births or -1), one row per member."""
    table = FamilyMember._meta.db_table
    modern = ", ".join(f"'{m}'" for m in sorted(str(m) for m in MODERN_METHODS))
    flags = " + ".join(
        [
            f"COALESCE({_q('hubungan')}, 0)",
            _flag(f"{_q('jenis_kelamin')} = 'P'", FEMALE),
            _flag(f"{_q('status_kawin')} = {int(MaritalStatus.MARRIED)}", MARRIED),
            _flag(_q("hamil"), PREGNANT),
            _flag(f"{_q('ber_kb')} AND {_q('metode_kb')} IN ({modern})", MODERN),
        ]
    )
    where = _where(ids, contiguous, _q("survey_id"))
    columns = [
        _q("survey_id"),
        _int(flags),
        _int(_day_number(_q("tanggal_lahir"))),
        _int(f"COALESCE({_q('anak_lahir_hidup')}, -1)"),
    ]
    sql = f"SELECT {', '.join(columns)} FROM {_q(table)} WHERE {where}"  # noqa: S608
    return _int64_rows(sql, 4)


def _age(born: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole years and whole months from ``born`` to ``on`` (day numbers)."""
    by, bm, bd = _ymd(born.astype("datetime64[D]"))
    oy, om, od = _ymd(on.astype("datetime64[D]"))
    months = (oy - by) * 12 + (om - bm) - (od < bd)
    return months // 12, months


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    y = years.astype(int) + 1970
    m = (months - years.astype("datetime64[M]")).astype(int) + 1
    d = (days - months.astype("datetime64[D]")).astype(int) + 1
    return y, m, d


def member_arrays(
    surveys: dict[str, np.ndarray], *, contiguous: bool = False
) -> tuple[krs.Members, krs.Families, np.ndarray]:
    """The arrays ``krs.evaluate`` takes for the rounds ``surveys`` (of
    :func:`survey_arrays`), and per member whether the member uses a modern method.

    ``contiguous``: every round whose id lies between the first and the last is in
    ``surveys``, so the members are read by that id range (no list of ids is sent). A member
    of a round written meanwhile inside the range is left for that round's own labelling."""
    ids = surveys["id"]
    families = krs.Families(water=surveys["water"], latrine=surveys["latrine"])
    rows = _member_matrix(ids.tolist(), contiguous=contiguous) if ids.size else np.zeros((0, 4))
    rows = rows.astype(np.int64)
    family = np.minimum(np.searchsorted(ids, rows[:, 0]), max(ids.size - 1, 0))
    known = ids[family] == rows[:, 0] if ids.size else np.zeros(0, dtype=bool)
    rows, family = rows[known], family[known]
    flags, born, births = rows[:, 1], rows[:, 2], rows[:, 3]
    years, months = _age(born, surveys["day"][family])
    members = krs.Members(
        family=family,
        relation=flags & 7,
        sex=np.where(flags & FEMALE, "P", "L"),
        married=(flags & MARRIED) > 0,
        pregnant=(flags & PREGNANT) > 0,
        age_years=years,
        age_months=months,
        birth_day=born,
        live_births=np.where(births >= 0, births, np.nan).astype(float),
    )
    return members, families, (flags & MODERN) > 0


def pus_kb_modern(members: krs.Members, modern: np.ndarray, out: dict, rules: dict, n: int):
    """Per round: a PUS using a modern method (the wife, or her husband for MOP and condoms,
    says so)."""
    couple = np.isin(members.relation, (Relation.HEAD, Relation.SPOUSE)) & members.married
    wife = (members.sex == "P") & couple
    lo, hi = rules["pus_age"]
    pus = wife & (members.age_years >= lo) & (members.age_years <= hi)
    users = np.bincount(members.family[(pus | couple) & modern], minlength=n) > 0
    return out["sasaran_pus"] & users


def packed(out: dict[str, np.ndarray]) -> np.ndarray:
    """The labels of ``out`` (krs names) packed as bits of LABEL_FIELDS."""
    bits = np.zeros(out["is_krs"].size, dtype=np.int64)
    for i, field in enumerate(LABEL_FIELDS):
        bits |= out[LABEL_SOURCES[field]].astype(np.int64) << i
    return bits
