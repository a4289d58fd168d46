"""The KRS labels a file's rounds would get, computed from the file's rows in memory (the
preview writes nothing, so it never holds the database's write lock).

The arrays are built exactly as ``families.labels`` builds them from the stored members
(the same age arithmetic, ``labels_read._age``) and given to the same ``families.krs.evaluate``
with the default rule set, so the preview shows the labels the import then stores.
"""

import numpy as np

from kampungkb.families import krs
from kampungkb.families.importing.planning import Round
from kampungkb.families.labels import default_rule_set
from kampungkb.families.labels_read import _age
from kampungkb.families.models import MaritalStatus


def rounds_factors(rounds: list[Round]) -> list[list[str] | None]:
    """For each round: the krs names of its factors when it is KRS, else ``None``."""
    rule_set = default_rule_set()
    if rule_set is None or not rounds:
        return [None] * len(rounds)
    rows = [(i, row) for i, rnd in enumerate(rounds) for row in rnd.rows]
    days = np.array([r.tanggal for r in rounds], dtype="datetime64[D]").astype(np.int64)
    family = np.array([i for i, _row in rows], dtype=np.int64)
    born = np.array([row.tanggal_lahir for _i, row in rows], dtype="datetime64[D]")
    born = born.astype(np.int64)  # day numbers, as labels_read gives them
    years, months = _age(born, days[family])
    members = krs.Members(
        family=family,
        relation=np.array([row.hubungan for _i, row in rows], dtype=np.int64),
        sex=np.array([row.jenis_kelamin for _i, row in rows]),
        married=np.array([row.status_kawin == MaritalStatus.MARRIED for _i, row in rows]),
        pregnant=np.array([row.hamil for _i, row in rows], dtype=bool),
        age_years=years,
        age_months=months,
        birth_day=born,
        live_births=np.array(
            [np.nan if r.anak_lahir_hidup is None else float(r.anak_lahir_hidup) for _i, r in rows],
            dtype=float,
        ),
    )
    families = krs.Families(
        water=np.array([r.first.sumber_air or 0 for r in rounds], dtype=np.int64),
        latrine=np.array([r.first.jamban or 0 for r in rounds], dtype=np.int64),
    )
    out = krs.evaluate(members, families, rule_set.rules)
    return [
        [name for name in krs.FACTORS if out[name][i]] if out["is_krs"][i] else None
        for i in range(len(rounds))
    ]
