"""The KRS labels of a file's rounds, computed from the file's rows in memory: by the preview
(which writes nothing, so it never holds the database's write lock) and by the import, which
writes its new and changed rounds with their labels at once instead of writing them, reading
them back and rewriting them.

The arrays are built exactly as ``families.labels`` builds them from the stored members
(the same age arithmetic, ``labels_read._age``) and given to the same ``families.krs.evaluate``
(``labels.labels_of``), so the labels are those a recompute gives from the stored rows.
"""

import datetime
import operator

import numpy as np

from kampungkb.families import krs
from kampungkb.families.importing.planning import Round
from kampungkb.families.labels import default_rule_set, labels_of
from kampungkb.families.labels_read import _age
from kampungkb.families.models import MODERN_METHODS, MaritalStatus

EPOCH = datetime.date(1970, 1, 1).toordinal()  # day numbers as labels_read gives them
_COLUMNS = tuple(
    operator.attrgetter(name)
    for name in (
        "hubungan", "jenis_kelamin", "status_kawin", "hamil", "tanggal_lahir",
        "anak_lahir_hidup", "ber_kb", "metode_kb",
    )
)  # fmt: skip
_MODERN = sorted(str(m) for m in MODERN_METHODS)


def rounds_arrays(rounds: list[Round]) -> tuple[krs.Members, krs.Families, np.ndarray]:
    """The arrays ``krs.evaluate`` takes for ``rounds`` (as ``labels_read.member_arrays``
    gives them for the stored rounds), and per member whether the member uses a modern
    method. A list per column, then a numpy conversion each (``None`` becomes NaN in a float
    array)."""
    sizes = np.fromiter(map(len, (r.rows for r in rounds)), dtype=np.int64, count=len(rounds))
    family = np.repeat(np.arange(len(rounds), dtype=np.int64), sizes)
    rows = [row for rnd in rounds for row in rnd.rows]
    # A column at a time (``zip(*tuples)`` of 200,000 rows takes far longer).
    relation, sex, marital, pregnant, born, births, ber_kb, method = (
        list(map(get, rows)) for get in _COLUMNS
    )
    n = len(rows)
    days = np.fromiter((r.tanggal.toordinal() for r in rounds), dtype=np.int64, count=len(rounds))
    born = np.fromiter(map(datetime.date.toordinal, born), dtype=np.int64, count=n) - EPOCH
    years, months = _age(born, days[family] - EPOCH)
    members = krs.Members(
        family=family,
        relation=np.array(relation, dtype=np.int64),
        sex=np.array(sex, dtype="<U1"),
        married=np.array(marital, dtype=float) == int(MaritalStatus.MARRIED),
        pregnant=np.array(pregnant, dtype=bool),
        age_years=years,
        age_months=months,
        birth_day=born,
        live_births=np.array(births, dtype=float),
    )
    families = krs.Families(
        water=np.array([r.first.sumber_air or 0 for r in rounds], dtype=np.int64),
        latrine=np.array([r.first.jamban or 0 for r in rounds], dtype=np.int64),
    )
    modern = np.array(ber_kb, dtype=bool) & np.isin(np.array(method, dtype=str), _MODERN)
    return members, families, modern


def rounds_labels(rounds: list[Round], rules: dict) -> np.ndarray:
    """The labels of ``rounds`` under ``rules``, packed as bits of
    ``labels_read.LABEL_FIELDS`` (as ``labels.chunk_labels`` gives them from the stored
    rows)."""
    return labels_of(*rounds_arrays(rounds), rules)


def rounds_factors(rounds: list[Round]) -> list[list[str] | None]:
    """For each round: the krs names of its factors when it is KRS, else ``None``."""
    rule_set = default_rule_set()
    if rule_set is None or not rounds:
        return [None] * len(rounds)
    members, families, _modern = rounds_arrays(rounds)
    out = krs.evaluate(members, families, rule_set.rules)
    return [
        [name for name in krs.FACTORS if out[name][i]] if out["is_krs"][i] else None
        for i in range(len(rounds))
    ]
