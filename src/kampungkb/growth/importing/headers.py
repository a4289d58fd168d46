"""The e-PPGBM "entri pengukuran" columns and the spellings under which they appear.

The export is not an official spec: files from different versions and districts spell the
same column differently ("Pukesmas"/"Puskesmas", "Tgl Lahir"/"Tanggal Lahir"). A header is
reduced to lower-case letters and digits and looked up in one table, so a new variant is one
more entry in :data:`ALIASES`, not another ``if``.
"""

import functools
import re
import unicodedata

# (key, header as e-PPGBM writes it), in the export's order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("nik", "NIK"),
    ("nama", "Nama"),
    ("jk", "JK"),
    ("tgl_lahir", "Tgl Lahir"),
    ("bb_lahir", "BB Lahir"),
    ("tb_lahir", "TB Lahir"),
    ("nama_ortu", "Nama Ortu"),
    ("prov", "Prov"),
    ("kab", "Kab/Kota"),
    ("kec", "Kec"),
    ("puskesmas", "Pukesmas"),
    ("desa", "Desa/Kel"),
    ("posyandu", "Posyandu"),
    ("rt", "RT"),
    ("rw", "RW"),
    ("alamat", "Alamat"),
    ("usia", "Usia Saat Ukur"),
    ("tanggal", "Tanggal Pengukuran"),
    ("berat", "Berat"),
    ("tinggi", "Tinggi"),
    ("cara_ukur", "Cara Ukur"),
    ("lila", "LiLA"),
    ("bbu", "BB/U"),
    ("zs_bbu", "ZS BB/U"),
    ("tbu", "TB/U"),
    ("zs_tbu", "ZS TB/U"),
    ("bbtb", "BB/TB"),
    ("zs_bbtb", "ZS BB/TB"),
    ("naik", "Naik Berat Badan"),
    ("pmt", "PMT Diterima (kg)"),
    ("vit_a", "Jml Vit A"),
    ("kpsp", "KPSP"),
    ("kia", "KIA"),
    ("detail", "Detail"),
)
# Columns some variants add after the standard ones.
OPTIONAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("bulan", "Bulan Pengukuran"),
    ("kelas_ibu", "Kelas Ibu Balita"),
    ("mbg", "MBG"),
)
HEADER = dict(COLUMNS + OPTIONAL_COLUMNS)
TEMPLATE_HEADERS: tuple[str, ...] = tuple(h for _, h in COLUMNS)

# Without these a file is not an e-PPGBM measurement file at all.
REQUIRED = ("nama", "tgl_lahir", "tanggal", "desa")
REQUIRED_ANY = (("berat", "tinggi", "lila"),)

# Other spellings, written as a person would; they are normalised by :func:`header_token`.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK Anak", "No NIK", "Nomor NIK", "NIK Balita"),
    "nama": ("Nama Anak", "Nama Balita"),
    "jk": ("Jenis Kelamin", "Kelamin", "L/P", "Sex", "Gender"),
    "tgl_lahir": ("Tanggal Lahir", "Tgl. Lahir", "Tgl Lhr", "Tanggal Lhr"),
    "bb_lahir": ("Berat Lahir", "Berat Badan Lahir", "BB Lahir (kg)"),
    "tb_lahir": ("Tinggi Lahir", "Panjang Lahir", "PB Lahir", "TB Lahir (cm)"),
    "nama_ortu": ("Nama Orang Tua", "Nama Ibu", "Nama Orangtua", "Ortu", "Nama Ibu Kandung"),
    "prov": ("Provinsi",),
    "kab": ("Kabupaten", "Kabupaten/Kota", "Kab", "Kota"),
    "kec": ("Kecamatan",),
    "puskesmas": ("Puskesmas", "PKM", "Nama Puskesmas"),
    "desa": ("Desa", "Kelurahan", "Desa/Kelurahan", "Kel/Desa"),
    "posyandu": ("Nama Posyandu",),
    "usia": ("Usia", "Umur", "Umur Saat Ukur"),
    "tanggal": ("Tgl Pengukuran", "Tanggal Ukur", "Tgl Ukur", "Tanggal Penimbangan"),
    "berat": ("BB", "Berat Badan", "Berat (kg)", "BB (kg)"),
    "tinggi": ("TB", "Tinggi Badan", "Tinggi (cm)", "PB/TB", "TB (cm)", "Panjang/Tinggi"),
    "cara_ukur": ("Cara Pengukuran",),
    "lila": ("LILA (cm)", "Lingkar Lengan Atas"),
    "zs_bbu": ("Z BB/U", "ZScore BB/U", "Z-Score BB/U"),
    "tbu": ("PB/U", "PB/TB/U"),
    "zs_tbu": ("Z TB/U", "ZS PB/U", "ZScore TB/U", "Z-Score TB/U"),
    "bbtb": ("BB/PB", "BB/PB/TB"),
    "zs_bbtb": ("Z BB/TB", "ZS BB/PB", "ZScore BB/TB", "Z-Score BB/TB"),
    "naik": ("Naik BB", "N/T"),
    "pmt": ("PMT Diterima", "PMT (kg)", "PMT"),
    "vit_a": ("Jumlah Vit A", "Vit A", "Vitamin A", "Jml Vitamin A"),
    "kia": ("Buku KIA", "KMS", "Punya Buku KIA"),
}


def header_token(text) -> str:
    """Reduce a header to lower-case ASCII letters and digits: ``"Tgl. Lahir"`` -> ``tgllahir``."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


ALIASES: dict[str, str] = {}
for _key, _header in COLUMNS + OPTIONAL_COLUMNS:
    ALIASES[header_token(_header)] = _key
for _key, _variants in _VARIANTS.items():
    for _variant in _variants:
        ALIASES.setdefault(header_token(_variant), _key)


def map_headers(cells) -> dict[str, int]:
    """Return {column key: index} for the cells of a header row (first occurrence wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = ALIASES.get(header_token(cell))
        if key is not None and key not in found:
            found[key] = index
    return found


def missing_required(found: dict[str, int]) -> list[str]:
    """Headers (as e-PPGBM writes them) that a file lacks to be importable."""
    missing = [HEADER[k] for k in REQUIRED if k not in found]
    for group in REQUIRED_ANY:
        if not any(k in found for k in group):
            missing.append("/".join(HEADER[k] for k in group))
    return missing


# The cell values of "JK" and "Cara Ukur" as the field writes them, reduced like a header
# (lower-case letters and digits): the web import (``parse``) and the batch (``batch.sources``)
# read them from here.
SEX_VALUES = {
    "l": "L", "laki": "L", "lakilaki": "L", "1": "L", "m": "L", "male": "L", "pria": "L",
    "p": "P", "perempuan": "P", "2": "P", "f": "P", "female": "P", "wanita": "P", "w": "P",
}  # fmt: skip
METHOD_VALUES = {
    "telentang": "PB", "terlentang": "PB", "berbaring": "PB", "pb": "PB", "l": "PB",
    "panjang": "PB", "length": "PB", "lying": "PB", "recumbent": "PB",
    "berdiri": "TB", "tb": "TB", "h": "TB", "tinggi": "TB", "height": "TB", "standing": "TB",
}  # fmt: skip


@functools.cache
def ascii_digits() -> dict[int, str]:
    """A ``str.translate`` table: every decimal digit of another script (fullwidth,
    Arabic-Indic, ...) to its ASCII digit. A NIK or No KK typed with them is the same number
    (the web import, ``parse.parse_nik``, and the batch, ``batch.sources``, read it so).

    >>> "١٩٠٦".translate(ascii_digits()), "１９０６".translate(ascii_digits())
    ('1906', '1906')
    """
    table = {}
    for code in range(0x80, 0x20000):  # no script has decimal digits beyond plane 1
        digit = unicodedata.decimal(chr(code), None)
        if digit is not None:
            table[code] = str(digit)
    return table
