from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand
from kampungkb.wilayah.loading import WilayahLoadError, wilayah_load


class Command(TranslatedCommand):
    help = gettext_noop(
        "Load (or reload) wilayah codes, names, centroids and boundaries from a folder holding "
        "a *_wilayah.csv and GeoJSON files. Without FOLDER, loads Belitung Timur; with "
        "--provinsi, the whole province of Kepulauan Bangka Belitung. Loading again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            default=None,
            help=gettext_noop("Folder of a wilayah data set (default: Belitung Timur)."),
        )
        parser.add_argument(
            "--provinsi",
            action="store_true",
            help=gettext_noop(
                "Use the province's data set (Kepulauan Bangka Belitung, 7 kabupaten/kota)."
            ),
        )
        parser.add_argument(
            "--kabupaten",
            metavar="KODE",
            default=None,
            help=gettext_noop(
                "Load only this kabupaten (and its provinsi) of the folder: adds a kabupaten "
                "to a running installation."
            ),
        )

    def handle(self, *args, folder=None, provinsi=False, kabupaten=None, **options):
        if folder and provinsi:
            raise CommandError("FOLDER atau --provinsi, bukan keduanya / not both")
        default = settings.KAMPUNGKB_PROVINCE_WILAYAH if provinsi else None
        path = Path(folder or default or settings.KAMPUNGKB_DEFAULT_WILAYAH)
        if not path.is_dir():
            raise CommandError(f"{path}: bukan folder / not a folder")
        try:
            result = wilayah_load(folder=path, kabupaten=kabupaten)
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
