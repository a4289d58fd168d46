from django.core.management.base import BaseCommand

from kampungkb.growth.recompute import measurements_recompute_all


class Command(BaseCommand):
    help = (
        "Recompute the z-scores, flags, categories and N/T/O/B/2T codes of every stored "
        "measurement (after the WHO tables, the engine or the default KBM table change)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-children",
            type=int,
            default=5000,
            help="Children per chunk; each chunk is one transaction (default 5000).",
        )

    def handle(self, *args, batch_children=5000, **options):
        def progress(rows, children):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {rows} baris / rows …")

        result = measurements_recompute_all(batch_children=batch_children, progress=progress)
        self.stdout.write(
            f"Dihitung ulang / recomputed: {result.rows} pengukuran dari {result.children} anak "
            f"dalam {result.seconds:.2f} s ({result.rows_per_second:,.0f} baris/s)."
        )
