"""``kampungkb backup [-o FOLDER] [--keep N]``: a backup of the whole database, named with
its UTC time; safe while the server runs."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.core.backup import BackupError, backup_create
from kampungkb.core.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop(
        "Back up the whole database into a file named with the time (UTC): SQLite through its "
        "online backup API, PostgreSQL through pg_dump (custom format). Safe while the server "
        "and the worker run. The file holds personal data: keep it encrypted, off the server. "
        "Uploaded files (media/) are not in it."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output-dir",
            default=None,
            help=gettext_noop("Folder for the backup (default: the var folder's backups/)."),
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help=gettext_noop("Afterwards remove older backups, keeping this many newest."),
        )

    def handle(self, *args, output_dir=None, keep=None, **options):
        folder = Path(output_dir) if output_dir else Path(settings.VAR_DIR) / "backups"
        try:
            path = backup_create(db=settings.DATABASES[DEFAULT_DB_ALIAS], folder=folder, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size / 2**20
        self.stdout.write(
            _("Backup written: %(path)s (%(size).1f MB)") % {"path": path, "size": size}
        )
