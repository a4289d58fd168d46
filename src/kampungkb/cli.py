"""The ``kampungkb`` command: ``django-admin`` with our settings, plus commands that need
no database.

``kampungkb zscore IN.csv -o OUT.csv`` runs the anthropometry engine alone, without
Django, so it works anywhere Python and the package are installed; so does
``kampungkb batch zscores|prevalence INPUT... -o OUT``, the national batch on Dask.

Help needs no configuration: ``kampungkb``, ``kampungkb help [COMMAND]`` and
``kampungkb COMMAND --help`` work on a server that has no secret key yet. Any other
command stops with one line saying what is missing (exit 2) instead of a traceback. The
web app itself still refuses to start without a secret key: the settings raise.
"""

import os
import sys

# Commands that must run without Django settings (no secret key, no database).
STANDALONE = {"zscore": "kampungkb.anthro.cli", "batch": "kampungkb.batch.cli"}
HELP_FLAGS = ("-h", "--help")
EXIT_NOT_CONFIGURED = 2


def _help_topic(args: list[str]) -> str | None:
    """The command whose help ``args`` ask for, "" for the list of commands, or None when
    they ask for something else (django-admin's rules)."""
    if not args or args[0] in HELP_FLAGS:
        return ""
    if args[0] == "help":
        rest = [a for a in args[1:] if not a.startswith("-")]
        return rest[0] if rest else ""
    if any(a in HELP_FLAGS for a in args[1:]):
        return args[0]
    return None


def _standalone(name: str, args: list[str]) -> int:
    from importlib import import_module

    return import_module(STANDALONE[name]).main(args)


def _utility(argv: list[str]):
    from django.core.management import ManagementUtility

    class Utility(ManagementUtility):
        """django-admin's, also listing the commands that run without Django."""

        def main_help_text(self, commands_only=False):
            text = super().main_help_text(commands_only)
            if commands_only:
                return "\n".join(sorted([*text.splitlines(), *STANDALONE]))
            return "\n".join([text, "", "[kampungkb]", *(f"    {name}" for name in STANDALONE)])

    return Utility(argv)


def _configuration_problem() -> str | None:
    """Load the settings; return why they cannot be loaded, on one line, or None."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings module)
    except ImproperlyConfigured as exc:
        return " ".join(str(exc).split())
    return None


def _refuse(prog: str, command: str, problem: str) -> int:
    print(f"{prog} {command}: {problem}", file=sys.stderr)
    return EXIT_NOT_CONFIGURED


def _help_without_configuration(argv: list[str], topic: str, problem: str) -> int:
    """Print the help asked for, the settings loaded with a throwaway secret key.

    The key exists in this process only, and nothing but help is printed with it: no
    command runs, so nothing is signed, served or stored.
    """
    import secrets

    os.environ["KAMPUNGKB_SECRET_KEY"] = "help-only-" + secrets.token_urlsafe(32)
    prog = os.path.basename(argv[0])
    still = _configuration_problem()
    if still is not None:  # something else is missing too: say so rather than guess
        return _refuse(prog, topic or "help", still)

    import django

    django.setup()
    utility = _utility(argv)
    if topic:
        utility.fetch_command(topic).print_help(utility.prog_name, topic)
        return 0
    commands_only = "--commands" in argv
    sys.stdout.write(utility.main_help_text(commands_only=commands_only) + "\n")
    if not commands_only:
        sys.stdout.write(
            "\nHanya bantuan yang tersedia sampai konfigurasi lengkap / "
            f"only help works until the configuration is complete: {problem}\n"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = argv[1:]
    if args and args[0] in STANDALONE:
        return _standalone(args[0], args[1:])
    topic = _help_topic(args)
    if topic in STANDALONE:  # kampungkb help zscore
        return _standalone(topic, ["--help"])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    prog = os.path.basename(argv[0])
    command = args[0] if args else "help"
    # With --settings django-admin loads another module: leave the checking to it.
    given = any(a == "--settings" or a.startswith("--settings=") for a in args)
    problem = None if given else _configuration_problem()
    if problem is not None:
        if topic is not None:
            return _help_without_configuration(argv, topic, problem)
        if command not in ("version", "--version"):  # the version needs no settings
            return _refuse(prog, command, problem)
    try:
        _utility(argv).execute()
    except ImproperlyConfigured as exc:  # found while running (e.g. a database driver)
        return _refuse(prog, command, " ".join(str(exc).split()))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
