"""The interface speaks the language the user chose. A message is written in English in the
code (its msgid) and translated to Indonesian in the catalogue: an Indonesian msgid shows
Indonesian in the English interface ("Keluarga" atop the menu, a "Simpan" button), and text
left out of ``translate`` shows one language in both. Domain words (desa, posyandu, kader,
Kampung KB ... docs: GLOSSARY) stay Indonesian in both and are not checked here."""

import ast
import re
from pathlib import Path

import kampungkb

SRC = Path(kampungkb.__file__).resolve().parent
TEMPLATES = sorted(SRC.glob("*/templates/**/*.html"))

# Indonesian interface words: a msgid holding one is Indonesian text in the English interface
# (the English word is the msgid, the catalogue gives the Indonesian).
INDONESIAN_WORDS = {
    "simpan", "hapus", "ubah", "tambah", "batal", "kembali", "cari", "pilih", "unduh",
    "unggah", "cetak", "keluarga", "rapor", "semua", "yang", "dan", "untuk", "dengan", "sudah",
    "belum", "halaman", "laporan", "keluar", "masuk",
}  # fmt: skip
# Kept in both languages: a BKKBN survey's name, and the values a family file holds.
KEPT = ("Pendataan Keluarga", "Kepala keluarga", "Belum kawin")
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}

_TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""", re.S)
_BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b[^%]*%\}(.*?)\{%\s*(?:plural|endblocktrans)", re.S)
# Attributes a user reads or hears (a screen reader says aria-label and alt).
_SHOWN_ATTRIBUTE = re.compile(
    r'\b(?:aria-label|title|placeholder|alt)="((?:\{%.*?%\}|\{\{.*?\}\}|[^"])*?)"', re.S
)


def _python_msgids(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        index = 0 if name in GETTEXT else 1 if name in PGETTEXT else None
        if index is not None and len(node.args) > index:
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield arg.value


def _msgids():
    """(file, msgid) of every message of the templates and the Python code."""
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in _TRANSLATE.finditer(text):
            yield path.relative_to(SRC), match.group(2)
        for match in _BLOCK.finditer(text):
            yield path.relative_to(SRC), match.group(1)
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            for msgid in _python_msgids(path):
                yield path.relative_to(SRC), msgid


def _indonesian(msgid: str) -> set[str]:
    for name in KEPT:
        msgid = msgid.replace(name, "")
    return INDONESIAN_WORDS & {w.lower() for w in re.findall(r"[A-Za-z]+", msgid)}


def test_the_check_reads_the_messages_of_templates_and_code():
    msgids = {m for _path, m in _msgids()}
    assert len(msgids) > 2000
    assert {"Families", "Save", "Report card"} <= msgids
    assert _indonesian("Simpan") == {"simpan"} and _indonesian("Save") == set()


def test_messages_are_written_in_english():
    found = [(str(path), msgid) for path, msgid in _msgids() if _indonesian(msgid)]
    assert found == []


def test_attributes_a_user_reads_are_translated():
    # aria-label="breadcrumb" was read out in English on Indonesian pages.
    found = [
        (str(path.relative_to(SRC)), match.group(0))
        for path in TEMPLATES
        for match in _SHOWN_ATTRIBUTE.finditer(path.read_text(encoding="utf-8"))
        if re.search(r"[A-Za-z]{2}", re.sub(r"\{[{%].*?[%}]\}", "", match.group(1)))
    ]
    assert found == []


def test_the_menu_reads_in_the_chosen_language(client, users):
    client.force_login(users["desa"])
    html = client.get("/").content.decode()
    assert ">Keluarga</a>" in html and ">Families</a>" not in html
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert ">Families</a>" in html and ">Keluarga</a>" not in html
