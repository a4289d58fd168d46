from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand
from kampungkb.wilayah.loading import WilayahLoadError, wilayah_load


class Command(TranslatedCommand):
    help = gettext_noop(
        "Load (or reload) wilayah codes, names, centroids and boundaries from a folder holding "
        "a *_wilayah.csv and GeoJSON files. Without FOLDER, loads Belitung Timur."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            default=None,
            help=gettext_noop("Folder of a wilayah data set (default: Belitung Timur)."),
        )

    def handle(self, *args, folder=None, **options):
        path = Path(folder) if folder else Path(settings.KAMPUNGKB_DEFAULT_WILAYAH)
        if not path.is_dir():
            raise CommandError(f"{path}: bukan folder / not a folder")
        try:
            result = wilayah_load(folder=path)
        except WilayahLoadError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{len(exc.errors)} kesalahan; tidak ada yang disimpan / nothing was written"
            ) from exc
        self.stdout.write(
            f"wilayah: {result.created} baru, {result.updated} diperbarui, "
            f"{result.unchanged} tetap; {result.boundaries} batas wilayah"
        )
