from django.utils.translation import gettext_noop

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.core.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop(
        "Rebuild every analytics summary (prevalence, coverage, data quality) from the data."
    )

    def handle(self, *args, **options):
        result = summaries_rebuild()
        if result.skipped:
            self.stdout.write(
                "Tidak ada yang ditulis: ringkasan yang dibangun ulang dari data yang lebih baru "
                "tersimpan lebih dulu."
            )
            return
        self.stdout.write(
            f"Ringkasan analisis dibangun ulang dari {result.measurements} pengukuran: "
            f"{result.prevalence_rows} baris prevalensi, {result.quality_rows} baris cakupan/mutu "
            f"dalam {result.seconds:.1f} s."
        )
