"""The translation catalogues stay well formed: every message has its translation entry,
no message is defined twice, and the compiled Indonesian catalogue holds every translated
message of its source (entries are appended by hand, and merges have dropped a ``msgstr``)."""

import gettext
import re
from pathlib import Path

import pytest

import kampungkb

LOCALE = Path(kampungkb.__file__).resolve().parent / "locale"
_STRING = re.compile(r'^"(.*)"$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _entries(language: str) -> list[tuple[str, str | None]]:
    """(msgid, msgstr or None when missing) of each entry of the catalogue, plurals aside."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if (
            not lines
            or not lines[0].startswith(("msgid ", "msgctxt "))
            or any("msgid_plural" in li for li in lines)
        ):
            continue
        parts: dict[str, list[str]] = {}
        key = None
        for line in lines:
            head, _space, rest = line.partition(" ")
            if head in ("msgid", "msgstr", "msgctxt"):
                key, line = head, rest
            match = _STRING.match(line.strip())
            if key and match:
                parts.setdefault(key, []).append(_unescaped(match.group(1)))
        msgid = "".join(parts.get("msgid", []))
        if msgid:
            context = "".join(parts.get("msgctxt", []))
            msgstr = "".join(parts["msgstr"]) if "msgstr" in parts else None
            out.append((context + "\x04" + msgid if context else msgid, msgstr))
    return out


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_message_has_its_translation_entry_once(language):
    entries = _entries(language)
    assert [m for m, s in entries if s is None] == []
    seen, twice = set(), set()
    for msgid, _s in entries:
        (twice if msgid in seen else seen).add(msgid)
    assert twice == set()


def test_the_compiled_indonesian_catalogue_holds_every_translation():
    with (LOCALE / "id" / "LC_MESSAGES" / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    entries = _entries("id")

    def compiled_text(message: str) -> str:
        context, _sep, msgid = message.rpartition("\x04")
        return compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)

    missing = [
        m for m, s in entries if s and s != m.rpartition("\x04")[2] and compiled_text(m) != s
    ]
    assert missing == []
    # Entries with a context (msgctxt) are read too: they were skipped.
    assert any("\x04" in m for m, _s in entries)
