"""``kampungkb zscore INPUT.csv -o OUTPUT.csv``: z-scores for a CSV file.

Streams the input in blocks and writes each block as it is done, so memory stays
bounded whatever the file size (``_zscore_csv`` does the work). Needs no Django and no
database. Its help is in the installation's language (Indonesian unless
``KAMPUNGKB_LANGUAGE=en``), read from the project's message catalogue with the standard
library's gettext, as ``kampungkb batch`` does.

Start-up is part of every run: this module imports only the standard library, so
``--help`` answers at once, and numpy, pyarrow and the WHO tables are loaded only when
there is a file to process.
"""

from __future__ import annotations

import argparse
import gettext
import os
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
#: Bytes of CSV text per streamed block: about 25,000 rows of measurements. The peak memory
#: of a run is about 220 MB whatever the file's size (numpy, pyarrow and the WHO tables
#: about 130 MB, a block in flight the rest); larger blocks save no time.
BLOCK_SIZE = 1 << 20
EXIT_INPUT = 2
EXIT_OUTPUT = 1


def translation(language: str | None = None) -> gettext.NullTranslations:
    """The catalogue of ``language`` (default: ``KAMPUNGKB_LANGUAGE``, else Indonesian)."""
    language = language or os.environ.get("KAMPUNGKB_LANGUAGE") or "id"
    return gettext.translation("django", LOCALE_DIR, languages=[language], fallback=True)


# Every text of the help, as msgids (translated when the parser is built).
DESCRIPTION = (
    "Compute WHO z-scores (anthro 2006, 0-60 months; anthroplus 2007, 5-19 years), "
    "WHO flags and Permenkes 2/2020 categories for every row of a CSV file. "
    "Input columns (any may be missing): sex, age_days, weight, lenhei, measure, "
    "oedema, headc, armc, triskin, subskin."
)
HELP = {
    "input": "input CSV file (UTF-8, comma separated, with a header)",
    "output": "output CSV file",
    "unrounded": "do not round z-scores to 2 decimals (flags then use the unrounded values)",
}


def build_parser(language: str | None = None) -> argparse.ArgumentParser:
    _ = translation(language).gettext
    parser = argparse.ArgumentParser(prog="kampungkb zscore", description=_(DESCRIPTION))
    parser.add_argument("input", help=_(HELP["input"]))
    parser.add_argument("-o", "--output", required=True, help=_(HELP["output"]))
    parser.add_argument("--unrounded", action="store_true", help=_(HELP["unrounded"]))
    parser.add_argument("--block-size", type=int, default=BLOCK_SIZE, help=argparse.SUPPRESS)
    return parser


def run(
    input_path: str, output_path: str, *, rounded: bool = True, block_size: int = BLOCK_SIZE
) -> int:
    """Process ``input_path`` into ``output_path``; return the number of rows.

    Raises ``_zscore_csv.InputError`` when the input cannot be read as CSV.
    """
    from . import _zscore_csv

    return _zscore_csv.run(input_path, output_path, rounded=rounded, block_size=block_size)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kampungkb zscore``; returns the exit code.

    0: processed; 2: bad arguments or the input cannot be read; 1: the
    output cannot be written.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error
        return int(exc.code or 0)
    from ._zscore_csv import InputError

    try:
        rows = run(args.input, args.output, rounded=not args.unrounded, block_size=args.block_size)
    except InputError as exc:
        print(f"kampungkb zscore: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(f"kampungkb zscore: hasil tidak dapat ditulis: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    if sys.stderr.isatty():
        print(f"kampungkb zscore: {rows:,} baris ditulis ke {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
