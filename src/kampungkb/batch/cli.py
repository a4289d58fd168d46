"""``kampungkb batch zscores|prevalence INPUT... -o OUT``: national batch analytics on Dask.

Needs no Django and no database, like ``kampungkb zscore``. Its help is in the
installation's language (Indonesian unless ``KAMPUNGKB_LANGUAGE=en``), read from the
project's message catalogue with the standard library's gettext.

Exit codes: 0 done; 2 bad arguments or unusable input (an Indonesian line says why);
1 the output or the cluster failed.
"""

from __future__ import annotations

import argparse
import sys

# One way of speaking the installation's language on a terminal, Django-free: the z-score CLI's.
from kampungkb.anthro.cli import translation

EXIT_INPUT = 2


# Every text of the help, as msgids (translated when the parser is built).
DESCRIPTION = (
    "National batch analytics over e-PPGBM exports (csv, xlsx or Parquet files, or "
    "directories of them) on a Dask cluster: z-scores of every measurement, or prevalence "
    "by wilayah and period with the rules of the web summaries. Each row needs a Kemendagri "
    "desa code (column Kode Desa, or codes in Desa/Kel)."
)
HELP = {
    "zscores": "Z-scores, WHO flags, categories and statuses of every row, as Parquet "
    "partitioned by kabupaten and period.",
    "prevalence": "Prevalence of stunting, wasting, underweight and overweight with 95 percent "
    "Wilson intervals, by wilayah level and period, as Parquet.",
    "input": "e-PPGBM export files (csv, xlsx, Parquet) or directories holding them",
    "output": "output directory (must not exist or be empty)",
    "level": "wilayah level of the prevalence (from the Kemendagri code prefix)",
    "period": "period of the prevalence and of the output partitions",
    "workers": "number of workers of the local Dask cluster",
    "memory_limit": "memory limit per worker of the local cluster (e.g. 2GB; auto: the "
    "machine's memory shared among the workers)",
    "scheduler": "address of an existing Dask scheduler (tcp://HOST:PORT) instead of a local "
    "cluster",
    "single": "run in this process without Dask (the plain path)",
}


def build_parser(language: str | None = None) -> argparse.ArgumentParser:
    _ = translation(language).gettext
    parser = argparse.ArgumentParser(prog="kampungkb batch", description=_(DESCRIPTION))
    tasks = parser.add_subparsers(dest="task", required=True, metavar="{zscores,prevalence}")
    for task in ("zscores", "prevalence"):
        sub = tasks.add_parser(
            task, help=_(HELP[task]), description=_(HELP[task]), prog=f"kampungkb batch {task}"
        )
        sub.add_argument("inputs", nargs="+", metavar="INPUT", help=_(HELP["input"]))
        sub.add_argument("-o", "--output", required=True, help=_(HELP["output"]))
        if task == "prevalence":
            sub.add_argument(
                "--level",
                choices=("provinsi", "kabupaten", "kecamatan", "desa"),
                default="kabupaten",
                help=_(HELP["level"]),
            )
        sub.add_argument(
            "--period",
            choices=("month", "quarter", "year"),
            default="month",
            help=_(HELP["period"]),
        )
        sub.add_argument("--workers", type=int, default=2, help=_(HELP["workers"]))
        sub.add_argument("--memory-limit", default="auto", help=_(HELP["memory_limit"]))
        sub.add_argument("--scheduler", help=_(HELP["scheduler"]))
        sub.add_argument("--single", action="store_true", help=_(HELP["single"]))
        sub.add_argument("--block-size", type=int, default=None, help=argparse.SUPPRESS)
    return parser


def _report(summary, parts, out: str) -> None:
    paths = {p.file_no: p.path for p in parts}
    err = sys.stderr
    print(
        f"kampungkb batch: {summary.rows:,} baris dibaca, {summary.used:,} dipakai, "
        f"{sum(summary.bad.values()):,} ditolak; {summary.seconds:,.1f} detik; hasil di {out}",
        file=err,
    )
    for reason, count in summary.bad.most_common():
        print(f"  {count:,} baris ditolak: {reason}", file=err)
        for file_no, line in summary.examples.get(reason, []):
            where = f"baris {line:,}" if line > 0 else "baris tidak diketahui"
            print(f"    {paths.get(file_no, file_no)}, {where}", file=err)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kampungkb batch``; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error
        return int(exc.code or 0)
    from . import run, sources

    if args.workers < 1:
        print("kampungkb batch: --workers paling sedikit 1", file=sys.stderr)
        return EXIT_INPUT
    try:
        kwargs = {} if args.block_size is None else {"block_size": args.block_size}
        parts = sources.plan(args.inputs, **kwargs)
        options = {
            "task": args.task,
            "level": getattr(args, "level", "kabupaten"),
            "period": args.period,
            "progress": sys.stderr.isatty(),
        }
        if args.single:
            summary = run.run_single(parts, args.output, **options)
        else:
            client = _client(args)
            if client is None:
                return EXIT_INPUT
            from distributed.scheduler import KilledWorker

            try:
                summary = run.run_dask(parts, args.output, client=client, **options)
            except KilledWorker as exc:
                print(
                    "kampungkb batch: pekerja Dask berhenti berulang kali (memori habis? "
                    f"naikkan --memory-limit atau tambah pekerja): {exc}",
                    file=sys.stderr,
                )
                return 1
            finally:
                _close(client)
    except sources.InputError as exc:
        print(f"kampungkb batch: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(f"kampungkb batch: hasil tidak dapat ditulis: {exc}", file=sys.stderr)
        return 1
    _report(summary, parts, args.output)
    return 0


def _client(args):
    from distributed import Client

    from .run import local_client

    if args.scheduler:
        try:
            return Client(args.scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            print(
                f"kampungkb batch: penjadwal Dask {args.scheduler} tidak dapat dihubungi: {exc}",
                file=sys.stderr,
            )
            return None
    try:
        return local_client(args.workers, args.memory_limit)
    except ValueError as exc:
        print(f"kampungkb batch: --memory-limit tidak valid: {exc}", file=sys.stderr)
        return None


def _close(client) -> None:
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
