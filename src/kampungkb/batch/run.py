"""Run a batch: the same functions per part, in this process or on a Dask cluster.

``run_single`` is the plain path (one part after the other, no Dask); ``run_dask`` builds the
graph: parts read and scored in parallel (``dask.dataframe.from_map``), rows shuffled by
kabupaten so that every measurement of a child is in one partition, then counted per
partition and summed. Both write Parquet partitioned by kabupaten and period and return a
:class:`Summary` of what was read.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .compute import COUNT_INPUTS, count_partition, prevalence_table, score
from .sources import InputError, Part, _ragged_rows, read_part

TASKS = ("zscores", "prevalence")
EXAMPLES = 5  # bad rows shown per reason
SOURCES_FILE = "_berkas.csv"  # file number -> path, beside the data (readers skip "_" files)


@dataclass
class Summary:
    rows: int = 0
    used: int = 0
    bad: Counter = field(default_factory=Counter)
    examples: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    seconds: float = 0.0

    def add_bad(self, bad: pd.DataFrame) -> None:
        self.bad.update(bad["alasan"].value_counts().to_dict())
        for reason, rows in bad.groupby("alasan", sort=False):
            have = self.examples.setdefault(reason, [])
            take = rows.sort_values(["berkas", "baris"]).head(EXAMPLES - len(have))
            have.extend(zip(take["berkas"].tolist(), take["baris"].tolist(), strict=True))


def _scored_part(part: Part, period: str) -> pd.DataFrame:
    """Read and score one part, the bad rows kept (with only their reason and place)."""
    return score(read_part(part), period)


def _meta(period: str) -> pd.DataFrame:
    return score(_ragged_rows(Part("", "csv", 0, (), 0), []), period)


def _prepare_output(out: str) -> str:
    """A new directory beside ``out`` to write into (moved into place at the end)."""
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise InputError(f"keluaran sudah ada dan tidak kosong: {out} (pilih direktori lain)")
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=".batch-", dir=parent)


def _finish_output(tmp: str, out: str, parts: list[Part]) -> None:
    files = sorted({(p.file_no, p.path) for p in parts})
    pd.DataFrame(files, columns=["berkas", "path"]).to_csv(
        os.path.join(tmp, SOURCES_FILE), index=False
    )
    if os.path.isdir(out):
        os.rmdir(out)  # empty (checked before)
    os.replace(tmp, out)


def _partition_cols(task: str, level: str) -> list[str]:
    """Z-scores and the prevalence of kecamatan and desa (tables of millions of rows) by
    kabupaten and period; the prevalence of kabupaten and provinsi (a few rows per period)
    by period only, instead of thousands of files of six rows."""
    if task == "prevalence" and level in ("provinsi", "kabupaten"):
        return ["periode"]
    return ["kabupaten", "periode"]


def _write_table(frame: pd.DataFrame, root: str, columns: list[str], name: str) -> None:
    if frame.empty:
        return
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_to_dataset(
        table,
        root,
        partition_cols=columns,
        basename_template=f"{name}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=1 << 20,  # 514 kabupaten x 12 months is beyond pyarrow's 1,024
    )


def _progress(done: int, total: int, rows: int, started: float) -> None:
    rate = rows / max(time.monotonic() - started, 1e-9)
    sys.stderr.write(
        f"\rkampungkb batch: bagian {done}/{total}, {rows:,} baris ({rate:,.0f} baris/detik)"
    )
    sys.stderr.flush()


def run_single(
    parts: list[Part], out: str, *, task: str, level: str = "kabupaten", period: str = "month",
    progress: bool = False,
) -> Summary:  # fmt: skip
    """The plain single-process path: each part read, scored (and counted) in turn."""
    started = time.monotonic()
    summary = Summary()
    tmp = _prepare_output(out)
    try:
        scored_parts = []
        for i, part in enumerate(parts):
            frame = _scored_part(part, period)
            bad = frame["alasan"] != ""
            summary.rows += len(frame)
            summary.add_bad(frame[bad])
            good = frame[~bad].drop(columns="alasan")
            summary.used += len(good)
            if task == "zscores":
                _write_table(good, tmp, _partition_cols(task, level), f"part-{i}")
            else:
                scored_parts.append(good[list(COUNT_INPUTS)])
            if progress:
                _progress(i + 1, len(parts), summary.rows, started)
        if task == "prevalence":
            rows = pd.concat(scored_parts, ignore_index=True) if scored_parts else None
            counts = count_partition(rows, period) if rows is not None else None
            if counts is not None and not counts.empty:
                table = prevalence_table(counts, level=level, period=period)
                _write_table(table, tmp, _partition_cols(task, level), "prevalensi")
        _finish_output(tmp, out, parts)
    finally:
        if progress:
            sys.stderr.write("\n")
        shutil.rmtree(tmp, ignore_errors=True)
    summary.seconds = time.monotonic() - started
    return summary


def run_dask(
    parts: list[Part], out: str, *, client, task: str, level: str = "kabupaten",
    period: str = "month", progress: bool = False,
) -> Summary:  # fmt: skip
    """The same work as :func:`run_single` on the Dask cluster of ``client``."""
    import dask
    import dask.dataframe as dd

    if not parts:  # header-only files: nothing to distribute (Dask needs one partition)
        return run_single(parts, out, task=task, level=level, period=period)
    started = time.monotonic()
    summary = Summary()
    tmp = _prepare_output(out)
    try:
        meta = _meta(period)
        rows = dd.from_map(_scored_part, parts, period=period, meta=meta, enforce_metadata=False)
        is_bad = rows["alasan"] != ""
        bad = rows[is_bad][["berkas", "baris", "alasan"]]
        good = rows[~is_bad].drop(columns="alasan")
        if task == "prevalence":  # only what counting reads travels through the shuffle
            good = good[list(COUNT_INPUTS)]
            meta = meta[list(COUNT_INPUTS)]
        by_kab = good.shuffle("kabupaten", npartitions=max(1, len(parts)))
        if task == "zscores":
            result = by_kab.to_parquet(
                tmp,
                partition_on=_partition_cols(task, level),
                write_index=False,
                compute=False,
            )
        else:
            result = by_kab.map_partitions(
                count_partition, period, meta=count_partition(meta, period)
            )
        with dask.config.set({"dataframe.convert-string": False}):
            futures = client.compute([bad, good.map_partitions(len).sum(), result])
            if progress:
                from distributed import progress as show

                show(futures)
                sys.stdout.write("\n")
            bad_rows, used, computed = client.gather(futures)
        summary.used = int(used)
        summary.rows = summary.used + len(bad_rows)
        summary.add_bad(bad_rows)
        if task == "prevalence" and not computed.empty:
            table = prevalence_table(computed, level=level, period=period)
            _write_table(table, tmp, _partition_cols(task, level), "prevalensi")
        _finish_output(tmp, out, parts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary.seconds = time.monotonic() - started
    return summary


def local_client(workers: int, memory_limit: str = "auto", *, processes: bool = True):
    """A Dask client of a local cluster of ``workers`` single-threaded workers."""
    import logging

    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=processes,
        memory_limit=memory_limit,
        # Its status page (and health check) on a free local port: never a fixed one that
        # another cluster on the machine holds.
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )
    return Client(cluster)
