"""``kampungkb restore FILE [--force]``: put a backup made by ``kampungkb backup`` back."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.core.backup import BackupError, backup_restore, table_names
from kampungkb.core.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop(
        "Restore a backup made by 'kampungkb backup' into the configured database. Refuses a "
        "database that already has tables unless --force is given. Stop the server and the "
        "worker first; run 'kampungkb migrate' afterwards when the backup is older than the code."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_noop("The backup file (.sqlite3 or .dump)."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_noop("Overwrite a database that already has tables."),
        )

    def handle(self, *args, file, force=False, **options):
        db = settings.DATABASES[DEFAULT_DB_ALIAS]
        connections.close_all()  # nothing of ours holds the database while it is replaced
        try:
            backup_restore(db=db, path=Path(file), force=force)
            n_tables = len(table_names(db))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored %(path)s into %(name)s: %(n)d tables.")
            % {"path": file, "name": db["NAME"], "n": n_tables}
        )
