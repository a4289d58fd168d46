"""``kampungkb import_families FILE [--dry-run] [--user USERNAME]``.

Exit 0 when the file was processed (some rows may be rejected), 2 when it cannot be read,
holds no row that can be imported, or the database stayed busy (nothing saved).
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.families.importing.commit import (
    FamilyImportBusyError,
    ImportFileError,
    families_import,
)
from kampungkb.growth.management.import_command import ImportCommand

EXIT_UNREADABLE = 2
EXIT_BUSY = 2


class Command(ImportCommand):
    help = gettext_noop(
        "Import a family survey file (xlsx or csv, one row per family member). Valid rows are "
        "stored in one transaction; rejected rows are listed with their row number, column "
        "and reason."
    )

    def handle(self, *args, file, dry_run=False, user="", **options):
        acting = self.acting_user(user)
        try:
            result = families_import(user=acting, path=file, dry_run=dry_run)
        except ImportFileError as exc:
            self.stderr.write(f"{file}: {exc}")
            raise SystemExit(EXIT_UNREADABLE) from None
        except FamilyImportBusyError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_BUSY) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        out = self.stdout
        mode = _("Dry run (nothing saved)") if dry_run else _("Import")
        out.write(f"{mode}: {result.file_name}")
        out.write(
            _(
                "rows: %(n_rows)d, rejected: %(n_rejected)d, families: %(n_families)d, "
                "new rounds: %(n_rounds_created)d, updated rounds: %(n_rounds_updated)d, "
                "unchanged rounds: %(n_rounds_unchanged)d, members: %(n_members)d, "
                "KRS: %(n_krs)d, children linked to growth: %(n_linked)d"
            )
            % result.counts()
        )
        for error in result.errors:
            out.write(
                "  "
                + _("row %(row)d, column %(column)s: %(reason)s")
                % {"row": error.row, "column": error.column, "reason": error.reason}
            )
        for item in (*result.link_conflicts, *result.ambiguous):
            out.write(
                "  "
                + _("not linked, row %(row)d (%(name)s): %(reason)s")
                % {"row": item["row"], "name": item["nama"], "reason": item["reason"]}
            )
        if result.batch is not None:
            out.write("  " + _("saved as family import #%(pk)d") % {"pk": result.batch.pk})
        if result.n_members == 0:
            self.stderr.write(_("%(file)s: no row can be imported.") % {"file": file})
            raise SystemExit(EXIT_UNREADABLE)
