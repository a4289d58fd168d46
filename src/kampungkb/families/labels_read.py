"""Read family survey rounds and their members as arrays for ``families.krs``, fast.

The recompute after a rule change reads every member of every round: a few hundred thousand
rows. Through the ORM each row would become a tuple of Python dates, strings and booleans; here
the database packs each member into two integers (its round; its flags, live births and date of
birth as a day number, bit-packed) and each round into six, which numpy takes as they come. On
PostgreSQL the integers come as one ``bytea`` straight into numpy (``families.pgcopy``), with
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
# A member packed into one integer: the flags in bits 0-6, live births + 1 (0: not given) in
# bits 7-22, the date of birth as days since 1970-01-01 plus DAY_OFFSET in bits 23 and up.
BIRTHS_SHIFT, DAY_SHIFT, DAY_OFFSET = 7, 23, 1 << 19  # dates from the year 535 on
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


def _int64_rows(sql: str, width: int) -> np.ndarray:
    """The rows of ``sql`` (``width`` non-NULL integer columns) as an ``(n, width)`` array,
    in no particular order."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return pgcopy.read_int64(cursor, sql, width)
        cursor.execute(sql)
        rows = cursor.fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def survey_count() -> int:
    """How many survey rounds there are."""
    return FamilySurvey.objects.count()


def survey_arrays(ids: list[int], *, contiguous: bool) -> dict[str, np.ndarray]:
    """Per round of ``ids``, by id: ``id``, ``day`` (survey date), ``water``, ``latrine``,
    ``labels`` (the stored derived columns packed as bits of LABEL_FIELDS) and ``fresh`` (1:
    never labelled)."""
    return _survey_rows(_where(ids, contiguous, _q("id")), "")


def survey_arrays_after(after: int, limit: int) -> dict[str, np.ndarray]:
    """:func:`survey_arrays` of the first ``limit`` rounds whose id is above ``after``."""
    return _survey_rows(f"{_q('id')} > {int(after)}", f" ORDER BY {_q('id')} LIMIT {int(limit)}")


def _survey_rows(where: str, tail: str) -> dict[str, np.ndarray]:
    table = FamilySurvey._meta.db_table
    labels = " + ".join(_flag(_q(f), 1 << i) for i, f in enumerate(LABEL_FIELDS))
    columns = [
        _q("id"),
        _int(_day_number(_q("tanggal_pendataan"))),
        _int(f"COALESCE({_q('sumber_air')}, 0)"),
        _int(f"COALESCE({_q('jamban')}, 0)"),
        _int(labels),
        _int(_flag(_q("rule_set_id") + " IS NULL", 1)),
    ]
    sql = f"SELECT {', '.join(columns)} FROM {_q(table)} WHERE {where}{tail}"  # noqa: S608
    data = _int64_rows(sql, 6)
    if data.shape[0] > 1 and not np.all(data[1:, 0] > data[:-1, 0]):
        data = data[np.argsort(data[:, 0], kind="stable")]
    return dict(zip(("id", "day", "water", "latrine", "labels", "fresh"), data.T, strict=True))


def _member_matrix(ids: list[int], *, contiguous: bool) -> np.ndarray:
    """(survey id, packed member: see DAY_SHIFT), one row per member."""
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
    births = f"(COALESCE({_q('anak_lahir_hidup')}, -1) + 1)"
    day = f"({_int(_day_number(_q('tanggal_lahir')))} + {DAY_OFFSET})"
    packed_member = f"{_int(flags)} + {births} * {1 << BIRTHS_SHIFT} + {day} * {1 << DAY_SHIFT}"
    sql = (
        f"SELECT {_q('survey_id')}, {packed_member} "  # noqa: S608
        f"FROM {_q(table)} WHERE {where}"
    )
    return _int64_rows(sql, 2)


def _age(born: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole years and whole months from ``born`` to ``on`` (day numbers)."""
    return _age_on(born, krs.calendar_ymd(on))


def _age_on(
    born: np.ndarray, on: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_age` with ``on`` already split into years, months and days of the month (by
    :func:`krs.calendar_ymd`, once per round rather than once per member)."""
    months = krs.months_between(krs.calendar_ymd(born), on)
    return months // 12, months


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
    rows = _member_matrix(ids.tolist(), contiguous=contiguous) if ids.size else np.zeros((0, 2))
    rows = rows.astype(np.int64)
    family = np.minimum(np.searchsorted(ids, rows[:, 0]), max(ids.size - 1, 0))
    known = ids[family] == rows[:, 0] if ids.size else np.zeros(0, dtype=bool)
    rows, family = rows[known], family[known]
    member = rows[:, 1]
    flags = member & ((1 << BIRTHS_SHIFT) - 1)
    births = ((member >> BIRTHS_SHIFT) & ((1 << (DAY_SHIFT - BIRTHS_SHIFT)) - 1)) - 1
    born = (member >> DAY_SHIFT) - DAY_OFFSET
    oy, om, od = krs.calendar_ymd(surveys["day"])  # once per round, then per member
    years, months = _age_on(born, (oy[family], om[family], od[family]))
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
