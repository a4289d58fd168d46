"""``kampungkb check_install``: what a server still lacks, each with what to do.

Exit code 0 when every essential item is in place, 1 otherwise (warnings do not count), so a
deployment script can stop on it. It changes nothing (connecting to a SQLite database that
is not there yet creates its empty file, as any command does).
"""

from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand
from kampungkb.site.install_checks import MISSING, OK, WARNING, install_checks

EXIT_MISSING = 1


def _labels() -> dict[str, str]:
    return {OK: _("OK"), MISSING: _("MISSING"), WARNING: _("WARNING")}


class Command(TranslatedCommand):
    help = gettext_noop(
        "Check a server installation: settings, database, migrations, static files, folders, "
        "wilayah, the first admin, the background worker, PDF libraries and HTTPS. Says what "
        "is missing and what to do; exit code 1 when something essential is missing."
    )
    requires_system_checks = []  # report problems as items, not as a refusal to start

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            choices=["id", "en"],
            default="id",
            help=gettext_noop("Language of the report: id (default) or en."),
        )

    def handle(self, *args, language: str, **options):
        with translation.override(language):
            missing = self._report()
            if missing:
                raise CommandError(
                    _("%(n)d essential item(s) missing.") % {"n": missing},
                    returncode=EXIT_MISSING,
                )

    def _report(self) -> int:
        labels = _labels()
        width = max(len(label) for label in labels.values()) + 2
        checks = install_checks()
        for check in checks:
            style = {OK: self.style.SUCCESS, MISSING: self.style.ERROR}.get(
                check.status, self.style.WARNING
            )
            tag = f"[{labels[check.status]}]".ljust(width + 1)
            self.stdout.write(style(tag) + f" {check.name}: {check.detail}")
            if check.advice:
                self.stdout.write(" " * (width + 2) + "-> " + check.advice)
        missing = sum(1 for c in checks if c.essential and c.status != OK)
        warnings = sum(1 for c in checks if c.status == WARNING)
        if not missing:
            self.stdout.write(
                _("Everything essential is in place (%(n)d warning(s)).") % {"n": warnings}
            )
        return missing
