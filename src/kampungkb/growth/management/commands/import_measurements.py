"""``kampungkb import_measurements FILE [--dry-run] [--user USERNAME] [--create-posyandu]
[--map-posyandu "DESA_KODE:NAME=POSYANDU_ID" ...]``.

Exit 0 when the file was processed (some rows may be rejected), 2 when it cannot be read or
when posyandu names that match none of their desa wait for a decision, or when the
database stayed busy (nothing is saved then: run it again). The rows are read, checked
and planned without holding the database's write lock; only the final write holds it,
briefly.
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.growth.importing.commit import (
    ImportBusyError,
    ImportFileError,
    PosyanduChoices,
    measurements_import,
)
from kampungkb.growth.importing.places import posyandu_key
from kampungkb.growth.management.import_command import ImportCommand

EXIT_UNREADABLE = 2
EXIT_UNDECIDED = 2
EXIT_BUSY = 2


class Command(ImportCommand):
    help = gettext_noop(
        "Import an e-PPGBM 'entri pengukuran' export (xlsx or csv). Valid rows are stored in "
        "one transaction; rejected rows are listed with their row number, column and reason."
    )

    def add_import_arguments(self, parser):
        parser.add_argument(
            "--create-posyandu",
            action="store_true",
            help=gettext_noop(
                "Make a new posyandu of every posyandu name that matches none of its desa. "
                "Without it (or --map-posyandu) such names are listed with similar posyandu "
                "and nothing is saved (exit 2)."
            ),
        )
        parser.add_argument(
            "--map-posyandu",
            action="append",
            default=[],
            metavar="DESA_KODE:NAME=POSYANDU_ID",
            help=gettext_noop(
                "The posyandu a name of the file means in its desa, e.g. "
                '"19.06.01.2002:POSYANDU KURNYA 1=12"; remembered for later imports once '
                "saved. Repeat for each name."
            ),
        )

    def _choices(self, *, create_posyandu: bool, map_posyandu: list[str]) -> PosyanduChoices:
        mapped = {}
        for text in map_posyandu:
            place, _sep, pk = text.rpartition("=")
            desa, colon, nama = place.partition(":")
            pk = pk.strip()
            if not colon or not posyandu_key(nama) or not (pk.isascii() and pk.isdigit()):
                raise CommandError(
                    _("--map-posyandu expects DESA_KODE:NAME=POSYANDU_ID, not “%(text)s”.")
                    % {"text": text}
                )
            mapped[(desa.strip(), posyandu_key(nama))] = int(pk[:18])
        return PosyanduChoices(create_all=create_posyandu, mapped=mapped)

    def handle(self, *args, file, dry_run=False, user="", verbosity=1, **options):
        choices = self._choices(
            create_posyandu=options.get("create_posyandu", False),
            map_posyandu=options.get("map_posyandu") or [],
        )
        acting = self.acting_user(user)
        try:
            result = measurements_import(
                user=acting,
                path=file,
                dry_run=dry_run,
                posyandu=choices,
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
        for bad in result.posyandu_bad_choices:
            out.write(
                "  "
                + _("--map-posyandu: posyandu %(pk)d is not a posyandu of desa %(desa)s.")
                % {"pk": bad["pk"], "desa": bad["desa_kode"]}
            )
        if result.batch is not None:
            out.write("  " + _("saved as import #%(pk)d") % {"pk": result.batch.pk})
        if result.waits_for_posyandu:
            self._write_unknown_posyandu(result.posyandu_unknown, dry_run=dry_run)
            if not dry_run:
                raise SystemExit(EXIT_UNDECIDED)

    def _write_unknown_posyandu(self, unknown: list[dict], *, dry_run: bool) -> None:
        out = self.stdout
        out.write(
            _("Posyandu names that match no posyandu of their desa:")
            if dry_run
            else _("Nothing was saved: these posyandu names match no posyandu of their desa.")
        )
        for u in unknown:
            similar = ", ".join(
                _("%(pk)d %(name)s (%(score)d%%)")
                % {"pk": s["pk"], "name": s["nama"], "score": s["score"]}
                for s in u["suggestions"][:3]
            )
            out.write(
                "  "
                + _(
                    "%(kode)s %(desa)s: “%(name)s” (rows: %(n)d, first: %(row)d); "
                    "similar: %(similar)s"
                )
                % {
                    "kode": u["desa_kode"],
                    "desa": u["desa"],
                    "name": u["nama"],
                    "n": u["rows"],
                    "row": u["row"],
                    "similar": similar or "–",
                }
            )
        first = unknown[0]
        example = f'"{first["desa_kode"]}:{first["nama"]}=ID"'
        out.write(
            _(
                "Decide each name: --map-posyandu %(example)s for one of the desa's posyandu "
                "(remembered for later imports), or --create-posyandu to make them all new."
            )
            % {"example": example}
        )

    def _progress(self, stage: str) -> None:
        if stage == "planned":
            self.stderr.write(_("Rows checked; saving..."))
            self.stderr.flush()
