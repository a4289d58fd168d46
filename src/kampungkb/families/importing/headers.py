"""The family-survey columns (``/shared/domain/FAMILIES.md``) and the spellings under which
they appear; headers are compared as growth's importer compares them
(``growth.importing.headers.header_token``: lower-case letters and digits only)."""

from kampungkb.growth.importing.headers import header_token

# (key, header as the layout writes it), in the layout's order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("no_kk", "No KK"),
    ("kec", "Kecamatan"),
    ("desa", "Desa/Kelurahan"),
    ("rt", "RT"),
    ("rw", "RW"),
    ("alamat", "Alamat"),
    ("nik", "NIK"),
    ("nama", "Nama"),
    ("hubungan", "Hubungan"),
    ("jk", "JK"),
    ("tgl_lahir", "Tgl Lahir"),
    ("status_kawin", "Status Kawin"),
    ("usia_kawin", "Usia Kawin Pertama"),
    ("hamil", "Hamil"),
    ("anak_lahir_hidup", "Anak Lahir Hidup"),
    ("ber_kb", "Ber-KB"),
    ("metode_kb", "Metode KB"),
    ("sumber_air", "Sumber Air Minum"),
    ("jamban", "Jamban"),
    ("jkn", "JKN"),
    ("akta", "Akta Lahir"),
    ("tanggal", "Tanggal Pendataan"),
)
HEADER = dict(COLUMNS)
TEMPLATE_HEADERS: tuple[str, ...] = tuple(h for _k, h in COLUMNS)

# Without these a file is not a family-survey file at all.
REQUIRED = ("no_kk", "desa", "nama", "hubungan", "jk", "tgl_lahir", "tanggal")

# The family's own columns: repeated on every member row, they must agree within a round.
FAMILY_COLUMNS = ("no_kk", "kec", "desa", "rt", "rw", "alamat", "sumber_air", "jamban")

# The aliases of FAMILIES.md, then Indonesian and English variants seen in files.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "no_kk": ("Nomor KK", "KK", "No. KK", "Nomor Kartu Keluarga", "No Kartu Keluarga",
              "Family Card Number", "Family Card No"),
    "kec": ("Kec", "Kec.", "District", "Subdistrict"),
    "desa": ("Desa", "Kelurahan", "Desa/Kel", "Kel/Desa", "Village"),
    "alamat": ("Address", "Alamat Rumah"),
    "nik": ("NIK Anggota", "No NIK", "Nomor NIK", "National ID"),
    "nama": ("Nama Anggota", "Nama Anggota Keluarga", "Nama Lengkap", "Name", "Member Name"),
    "hubungan": ("Hubungan dengan KK", "SHDK", "Hubungan Keluarga",
                 "Hubungan dengan Kepala Keluarga", "Relation", "Relationship"),
    "jk": ("Jenis Kelamin", "L/P", "Sex", "Gender", "Kelamin"),
    "tgl_lahir": ("Tanggal Lahir", "Tgl. Lahir", "Tgl Lhr", "Date of Birth", "DOB",
                  "Birth Date"),
    "status_kawin": ("Status Perkawinan", "Marital Status", "Status Nikah"),
    "usia_kawin": ("Usia Kawin Pertama (tahun)", "Umur Kawin Pertama", "Usia Pertama Kawin",
                   "Age at First Marriage"),
    "hamil": ("Sedang Hamil", "Pregnant", "Status Hamil"),
    "anak_lahir_hidup": ("Jumlah Anak", "Jumlah Anak Lahir Hidup", "Live Births", "ALH"),
    "ber_kb": ("Peserta KB", "Ber KB", "BerKB", "KB", "Uses Contraception"),
    "metode_kb": ("Alat Kontrasepsi", "Metode Kontrasepsi", "Alokon", "Jenis KB",
                  "Contraceptive Method"),
    "sumber_air": ("Air Minum", "Sumber Air", "Drinking Water", "Water Source"),
    "jamban": ("Fasilitas BAB", "Fasilitas Buang Air Besar", "Latrine", "Toilet"),
    "jkn": ("BPJS", "BPJS Kesehatan", "JKN/BPJS", "Health Insurance"),
    "akta": ("Akta Kelahiran", "Punya Akta Lahir", "Birth Certificate"),
    "tanggal": ("Tgl Pendataan", "Tanggal Pendataan Keluarga", "Tgl. Pendataan",
                "Tanggal Verifikasi", "Survey Date"),
}  # fmt: skip

ALIASES: dict[str, str] = {}
for _key, _header in COLUMNS:
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
    """Headers (as the layout writes them) that a file lacks to be importable."""
    return [HEADER[k] for k in REQUIRED if k not in found]
