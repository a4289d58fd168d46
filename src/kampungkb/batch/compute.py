"""What a partition becomes: z-scores of its rows, then prevalence counts, then the table.

The z-scores are the engine's (``anthro.anthro_zscores``, the indicators the web stores);
the statuses, who counts and the intervals are ``anthro.summaries``, the rules of the web
summaries; which values wait to be checked (and so count nowhere) are the import's rules
(``growth.plausibility_rules``), each child's rows checked in date order. Counting needs every
measurement of a child in one partition: the rows are partitioned by kabupaten before (a
child's key includes its kabupaten, ``sources.child_keys``). A child counts in one desa, that
of its first row, as the web counts an imported child in the desa it was registered in.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from kampungkb.anthro import CATEGORY_LABELS, anthro_zscores
from kampungkb.anthro.categories import category_bbtb, category_bbu, category_imtu, category_tbu
from kampungkb.anthro.summaries import (
    INDICATORS,
    STATUS_RULES,
    in_scope,
    indicator_counts,
    rates,
    run_ends,
    status_codes,
)
from kampungkb.growth.plausibility_rules import series_marks

# The z-scores the web computes for a measurement (growth.compute).
ZSCORES = ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac")
FLAGS = ("flen", "fwei", "fwfl", "fbmi", "fhc", "fac")
STATUSES = tuple(STATUS_RULES)
CATEGORIES = {
    "cat_bbu": ("bbu", category_bbu, "zwei"),
    "cat_tbu": ("tbu", category_tbu, "zlen"),
    "cat_bbtb": ("bbtb", category_bbtb, "zwfl"),
    "cat_imtu": ("imtu", category_imtu, "zbmi"),
}
LEVELS = {"provinsi": 2, "kabupaten": 5, "kecamatan": 8, "desa": 13}
PERIODS = ("month", "quarter", "year")
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_index(day: np.ndarray, kind: str) -> np.ndarray:
    """Months, quarters or years since 1970 of day numbers since 1970-01-01."""
    months = np.asarray(day, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    return months.astype(np.int64) // _MONTHS[kind]


def period_start(index: int, kind: str) -> datetime.date:
    months = int(index) * _MONTHS[kind]
    return datetime.date(1970 + months // 12, months % 12 + 1, 1)


def period_label(index: int, kind: str) -> str:
    """``2024-03`` (month), ``2024-Q1`` (quarter), ``2024`` (year)."""
    start = period_start(index, kind)
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _labels(indexes: np.ndarray, kind: str) -> np.ndarray:
    unique, inverse = np.unique(indexes, return_inverse=True)
    names = np.array([period_label(i, kind) for i in unique], dtype=object)
    return names[inverse.reshape(-1)] if len(indexes) else np.array([], dtype=object)


STRING_COLUMNS = ("kode_desa", "jk", "cara_ukur", "kabupaten", "periode", "error", "alasan")


def score(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """A read part with z-scores, flags, categories and statuses, kabupaten and period.

    The bad rows (``alasan`` not empty) stay, with nothing computed (NaN, unknown statuses,
    empty kabupaten and period), so that every partition has the same columns and types.
    """
    good = frame.reset_index(drop=True)
    ok = (good["alasan"] == "").to_numpy(dtype=bool)
    age = (good["tanggal"] - good["tgl_lahir"]).to_numpy(dtype=np.int64)
    out = anthro_zscores(
        {
            "sex": good["jk"].to_numpy(dtype=str),
            "age_days": np.where(ok, age, np.nan),
            "weight": good["berat"].to_numpy(dtype=np.float64),
            "lenhei": good["tinggi"].to_numpy(dtype=np.float64),
            "measure": good["cara_ukur"].to_numpy(dtype="U1"),
            # e-PPGBM records no oedema; an imported measurement stores "no" (growth.compute).
            "oedema": np.full(len(good), "n", dtype="U1"),
            "armc": good["lila"].to_numpy(dtype=np.float64),
            "headc": np.full(len(good), np.nan),
        },
        indicators=ZSCORES,
    )
    codes = status_codes(out)
    columns = {
        "kabupaten": np.where(ok, good["kode_desa"].str.slice(0, 5).to_numpy(dtype=object), ""),
        "periode": np.where(
            ok, _labels(period_index(good["tanggal"].to_numpy(), period), period), ""
        ),
        "umur_hari": age,
        "clenhei": out["clenhei"],
        "cbmi": out["cbmi"],
        **{z: out[z] for z in ZSCORES},
        **{f: out[f] for f in FLAGS},
        **{name: _category_text(kind, fn(out[z])) for name, (kind, fn, z) in CATEGORIES.items()},
        **{s: codes[s] for s in STATUSES},
        "error": np.asarray(out["error"], dtype=object),
    }
    scored = pd.concat([good, pd.DataFrame(columns)], axis=1)
    for name in ("tanggal", "tgl_lahir"):
        scored[name] = scored[name].to_numpy().astype("datetime64[D]").astype("datetime64[s]")
    for name in STRING_COLUMNS:
        scored[name] = scored[name].astype(object).astype("str")
    return scored


def _category_text(kind: str, codes: np.ndarray) -> np.ndarray:
    """Category codes as their Indonesian labels ("" for none)."""
    labels = CATEGORY_LABELS[kind]
    table = np.array(["", *(labels.get(c, "") for c in range(1, max(labels) + 1))], object)
    codes = np.asarray(codes, dtype=np.int64)
    return table[np.where((codes >= 1) & (codes <= max(labels)), codes, 0)]


def _to_days(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]").astype(np.int64)


#: What counting reads of a scored row (the rest need not travel to the counting).
COUNT_INPUTS = (
    "berkas", "baris", "kode_desa", "kabupaten", "anak", "anak_nama", "tanggal", "umur_hari",
    "berat", "tinggi", "cara_ukur", *STATUSES, *FLAGS,
)  # fmt: skip


def count_partition(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Children counted and cases per desa x period x indicator (long), and the rows in
    scope (``n_records``), for scored rows holding every measurement of their children.

    A child's second row of a day counts in no figure, as a web import refuses it: the web
    stores one measurement of a child a day."""
    if frame.empty:
        return _empty_counts()
    day = _to_days(frame["tanggal"])
    child = _children(frame)
    # Child, then date, then where the row is in the input: the same order in every run.
    line, file_no = frame["baris"].to_numpy(), frame["berkas"].to_numpy()
    order = np.lexsort((-line, file_no, day, child))
    # One row per child and day, as the web stores one measurement a day: of one file, its
    # first row of the day (an import refuses the later ones), of several, the last file's
    # (importing it after the others corrects the day's measurement).
    order = order[run_ends(child[order], day[order])]
    home = _home_desa(child, file_no, line, frame["kode_desa"].to_numpy(dtype=str))
    desa, group = np.unique(home[order], return_inverse=True)
    group = group.reshape(-1)
    index = period_index(day[order], period)
    lo = int(index.min())
    pi = index - lo
    n_p = int(pi.max()) + 1
    age = frame["umur_hari"].to_numpy()[order]
    questioned = _questioned(frame, order, child[order], day[order])
    counts = indicator_counts(
        child=child[order],
        group=group,
        period=pi,
        n_groups=desa.size,
        n_periods=n_p,
        age_days=age,
        statuses={s: frame[s].to_numpy()[order] for s in STATUSES},
        flags={f: frame[f].to_numpy()[order] for f in FLAGS},
        needs_check=questioned,
    )
    scope = in_scope(pi, age)
    records = np.bincount(group[scope] * n_p + pi[scope], minlength=desa.size * n_p).reshape(
        desa.size, n_p
    )
    g_i, p_i = np.nonzero(records)
    pieces = []
    for indicator, (n, cases) in counts.items():
        pieces.append(
            pd.DataFrame(
                {
                    "kode_desa": desa[g_i].astype(object),
                    "periode": (p_i + lo).astype(np.int64),
                    "indicator": indicator,
                    "n_records": records[g_i, p_i].astype(np.int64),
                    "n": n[g_i, p_i].astype(np.int64),
                    "cases": cases[g_i, p_i].astype(np.int64),
                }
            )
        )
    return pd.concat(pieces, ignore_index=True)


def _children(frame: pd.DataFrame) -> np.ndarray:
    """Each row's child: ``anak``, but a row without NIK whose name, birth date, mother and
    desa (``anak_nama``) are those of a row with a NIK is that row's child (the first such
    in the input), as a web import adds it to the child it registered with the NIK (or
    gives the NIK to the child it registered without one): a NIK typed from some month on."""
    child = frame["anak"].to_numpy(dtype=np.int64)
    by_name = frame["anak_nama"].to_numpy(dtype=np.int64)
    with_nik = child != by_name
    if not with_nik.any() or with_nik.all():
        return child
    first = np.lexsort((frame["baris"].to_numpy(), frame["berkas"].to_numpy()))
    first = first[with_nik[first]]
    names, at = np.unique(by_name[first], return_index=True)
    owners = child[first][at]
    found = np.searchsorted(names, by_name).clip(max=names.size - 1)
    same = ~with_nik & (names[found] == by_name)
    return np.where(same, owners[found], child)


def _home_desa(child: np.ndarray, file_no: np.ndarray, line: np.ndarray, desa: np.ndarray):
    """Per row, the desa its child is counted in: that of the child's first row in the input
    (a child known by NIK may have rows in several desa, after a move). A web import
    registers a new child in the desa of its first row and adds the later rows to it,
    wherever they were measured, and the web summaries count a child in its desa."""
    first = np.lexsort((line, file_no, child))
    starts = np.ones(child.size, dtype=bool)
    starts[1:] = child[first][1:] != child[first][:-1]
    owners, where = child[first][starts], desa[first][starts]
    return where[np.searchsorted(owners, child)]


#: The engine's measuring codes as the plausibility rules read them.
_METHOD = {"l": "PB", "h": "TB"}


def _questioned(frame: pd.DataFrame, order, child: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Which rows (in ``order``: by child, then date) the "perlu dicek" rules question, each
    checked against the child's last earlier row they did not question: what importing the
    history in date order marks, and what then counts in no figure of the web summaries."""
    series = np.zeros(child.size, dtype=np.int64)
    if child.size > 1:
        series[1:] = np.cumsum(child[1:] != child[:-1])
    method = frame["cara_ukur"].to_numpy(dtype=object)[order]
    columns = {
        "weight": frame["berat"].to_numpy(dtype=np.float64)[order],
        "lenhei": frame["tinggi"].to_numpy(dtype=np.float64)[order],
        "method": np.array([_METHOD.get(m, "") for m in method], dtype=object),
        "age_days": day,
        **{flag: frame[flag].to_numpy(dtype=np.float64)[order] for flag in FLAGS},
    }
    return series_marks(series, columns)


def _empty_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode_desa": pd.Series([], dtype=object),
            "periode": pd.Series([], dtype=np.int64),
            "indicator": pd.Series([], dtype=object),
            "n_records": pd.Series([], dtype=np.int64),
            "n": pd.Series([], dtype=np.int64),
            "cases": pd.Series([], dtype=np.int64),
        }
    )


def prevalence_table(counts: pd.DataFrame, *, level: str, period: str) -> pd.DataFrame:
    """Sum desa counts into ``level`` areas (by code prefix) and add the prevalence with its
    Wilson 95% interval; sorted by area, period and indicator."""
    width = LEVELS[level]
    c = counts.assign(wilayah=counts["kode_desa"].astype(str).str.slice(0, width))
    c = c.groupby(["wilayah", "periode", "indicator"], as_index=False, sort=False)[
        ["n_records", "n", "cases"]
    ].sum()
    order = {name: i for i, name in enumerate(INDICATORS)}
    c = c.assign(_o=c["indicator"].map(order)).sort_values(["wilayah", "periode", "_o"])
    c = c.drop(columns="_o").reset_index(drop=True)
    proportion, low, high = rates(c["cases"].to_numpy(), c["n"].to_numpy())
    starts = {i: period_start(i, period) for i in c["periode"].unique()}
    return pd.DataFrame(
        {
            "wilayah_kode": c["wilayah"].astype(str),
            "level": level,
            "kabupaten": c["wilayah"].astype(str).str.slice(0, 5) if width >= 5 else "",
            "periode": _labels(c["periode"].to_numpy(), period),
            "period_type": period,
            "period_start": pd.to_datetime([starts[i] for i in c["periode"]]),
            "indicator": c["indicator"].astype(str),
            "n_records": c["n_records"].astype(np.int64),
            "n": c["n"].astype(np.int64),
            "cases": c["cases"].astype(np.int64),
            "prevalence": proportion,
            "ci_low": low,
            "ci_high": high,
        }
    )
