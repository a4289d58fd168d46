"""A file's measurements are planned a chunk of children at a time (a dry run keeps only what
it counts): the chunks change nothing of what is computed, counted or warned about."""

import pytest

from kampungkb.growth.importing.commit import _rows_read, measurements_import
from kampungkb.growth.importing.matching import ChildMatcher
from kampungkb.growth.importing.parse import read_table
from kampungkb.growth.importing.planning import import_plan
from kampungkb.growth.kbm.selectors import default_kbm


def _visits(eppgbm):
    rows = []
    for child in range(4):
        for month, kg in enumerate(("7,1", "7,4", "7,4", "7,9")):
            rows.append(
                eppgbm.row(
                    NIK=f"190601010124{child:04d}",
                    Nama=f"Anak Potongan {child}",
                    **{
                        "Tanggal Pengukuran": f"15/{month + 3:02d}/2025",
                        "Berat": kg,
                        "Tinggi": "",
                        "ZS BB/U": "3,0",  # far from ours: a warning per row
                    },
                )
            )
    return rows


def _plan(path, user, **options):
    table = read_table(path)
    rows, index = _rows_read(table, user)
    matched = ChildMatcher(table=table, index=index)
    matched.match(rows)
    return import_plan(matched, table=table, kbm=default_kbm(), user=user, **options)


def _computed(plan):
    return [
        (m.child.nama, m.tanggal, m.zwei, m.growth_code, m.kenaikan_gram, m.computed_digest)
        for m in plan.to_create + plan.to_update + plan.to_recompute
    ]


@pytest.mark.parametrize("stored_first", [False, True])
def test_planning_child_by_child_computes_counts_and_warns_as_planning_all_at_once(
    eppgbm, users, stored_first
):
    user = users["kecamatan"]
    rows = _visits(eppgbm)
    if stored_first:  # stored series, then a file that changes one value and adds a visit
        measurements_import(user=user, path=eppgbm.xlsx(rows[::2], name="awal.xlsx"))
        rows[2]["Berat"] = "7,0"
    path = eppgbm.xlsx(rows)
    whole = _plan(path, user)
    one_by_one = _plan(path, user, chunk_rows=1)
    counted = _plan(path, user, chunk_rows=1, keep=False)
    assert _computed(one_by_one) == _computed(whole) and _computed(whole)
    assert one_by_one.warnings == whole.warnings == counted.warnings and whole.warnings
    counts = [(p.n_created, p.n_updated, p.n_unchanged) for p in (whole, one_by_one, counted)]
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] == ((8, 1, 7) if stored_first else (16, 0, 0))
    assert not counted.to_create and not counted.to_update and not counted.to_recompute
