"""``kampungkb import_measurements FILE [--dry-run] [--user USERNAME]``.

Exit 0 when the file was processed (some rows may be rejected), 2 when it cannot be read or
when the database stayed busy (nothing saved: run it again). The rows are read, checked and
planned without holding the database's write lock; only the final write holds it, briefly.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kampungkb.growth.importing.commit import (
    ImportBusyError,
    ImportFileError,
    measurements_import,
)

EXIT_UNREADABLE = 2
EXIT_BUSY = 2


class Command(BaseCommand):
    help = (
        "Import an e-PPGBM 'entri pengukuran' export (xlsx or csv). Valid rows are stored in "
        "one transaction; rejected rows are listed with their row number, column and reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx or csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count only; write nothing."
        )
        parser.add_argument(
            "--user",
            default="",
            help="Import as this user (their area and rights). Default: the system, all areas.",
        )

    def handle(self, *args, file, dry_run=False, user="", verbosity=1, **options):
        acting = None
        if user:
            try:
                acting = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No such user: %(name)s") % {"name": user}) from None
        try:
            result = measurements_import(
                user=acting,
                path=file,
                dry_run=dry_run,
                progress=self._progress if verbosity >= 2 else None,
            )
        except ImportFileError as exc:
            self.stderr.write(f"{file}: {exc}")
            raise SystemExit(EXIT_UNREADABLE) from None
        except ImportBusyError as exc:
            self.stderr.write(f"{file}: {exc}")
            raise SystemExit(EXIT_BUSY) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        out = self.stdout
        mode = _("Dry run (nothing saved)") if dry_run else _("Import")
        out.write(f"{mode}: {result.file_name}")
        out.write(
            _(
                "rows: %(n_rows)d, new: %(n_created)d, updated: %(n_updated)d, "
                "unchanged: %(n_unchanged)d, rejected: %(n_rejected)d, "
                "new children: %(n_children_created)d, new posyandu: %(n_posyandu_created)d, "
                "new puskesmas: %(n_puskesmas_created)d"
            )
            % result.counts()
        )
        for error in result.errors:
            out.write(
                "  "
                + _("row %(row)d, column %(column)s: %(reason)s")
                % {"row": error.row, "column": error.column, "reason": error.reason}
            )
        for warning in result.warnings:
            out.write(
                "  "
                + _("warning, row %(row)d: %(message)s")
                % {"row": warning["row"], "message": warning["message"]}
            )
        for dup in result.duplicates:
            out.write(
                "  "
                + _("possible duplicate, row %(row)d: %(name)s (%(dob)s) ~ %(other)s")
                % {
                    "row": dup["row"],
                    "name": dup["nama"],
                    "dob": dup["tanggal_lahir"],
                    "other": dup["other"],
                }
            )
        if result.batch is not None:
            out.write("  " + _("saved as import #%(pk)d") % {"pk": result.batch.pk})

    def _progress(self, stage: str) -> None:
        if stage == "planned":
            self.stderr.write(_("Rows checked; saving..."))
            self.stderr.flush()
