from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand
from kampungkb.growth.kbm.recompute import DEFAULT_BATCH_CHILDREN
from kampungkb.growth.kbm.services import recompute_run_create, recompute_run_execute


class Command(TranslatedCommand):
    help = gettext_noop(
        "Recompute the z-scores, flags, categories and N/T/O/B/2T codes of every stored "
        "measurement (after the WHO tables, the engine or the default KBM table change)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-children",
            type=int,
            default=DEFAULT_BATCH_CHILDREN,
            help=gettext_noop(
                "Children per chunk; each chunk is one transaction (default %(default)s)."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_noop(
                "Rewrite every row, even where the stored digest says nothing changed (after "
                "stored values were edited outside the application)."
            ),
        )

    def handle(self, *args, batch_children=DEFAULT_BATCH_CHILDREN, force=False, **options):
        def progress(rows, children):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {rows} baris / rows …")

        run = recompute_run_create(
            user=None, reason="recompute_measurements" + (" --force" if force else "")
        )
        result = recompute_run_execute(
            run, batch_children=batch_children, force=force, progress=progress
        )
        self.stdout.write(
            f"Dihitung ulang / recomputed: {result.rows} pengukuran dari {result.children} anak "
            f"dalam {result.seconds:.2f} s ({result.rows_per_second:,.0f} baris/s); "
            f"{result.written} baris berubah / rows changed, "
            f"{result.relabelled} hanya tabel KBM / only the KBM table."
        )
