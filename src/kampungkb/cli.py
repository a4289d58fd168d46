"""The ``kampungkb`` command: ``django-admin`` with our settings, plus commands that need
no database.

``kampungkb zscore IN.csv -o OUT.csv`` runs the anthropometry engine alone, without
Django, so it works anywhere Python and the package are installed.
"""

import os
import sys

# Commands that must run without Django settings (no secret key, no database).
STANDALONE = {"zscore": "kampungkb.anthro.cli"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in STANDALONE:
        from importlib import import_module

        return import_module(STANDALONE[argv[1]]).main(argv[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
