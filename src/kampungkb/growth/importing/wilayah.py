"""Find the kecamatan and desa a row names, tolerant of spelling.

Names are compared after :func:`place_token` (lower case, no "Desa"/"Kec." prefix, no
spaces or punctuation), then after :func:`place_skeleton` (old spelling and o/u folded:
"Burong Mandi" = "Burung Mandi"), then at an edit distance of one letter when that picks
out a single place. A short alias map covers variants that are neither.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kampungkb.core.scoping import covered_kode, kode_within
from kampungkb.growth.services import normalise_name
from kampungkb.wilayah.models import Level, Wilayah

# Spellings seen in files for places whose registered name differs by more than the rules.
ALIASES = {
    "airmadu": "aikmadu",
    "tanjungbatuhitam": "tanjungbatuitam",
}
_PREFIX = re.compile(r"^(desa|kelurahan|kel|kec|kecamatan|ds|kab|kabupaten|kota)\s+")


def place_token(name: str) -> str:
    token = _PREFIX.sub("", normalise_name(name)).replace(" ", "")
    return ALIASES.get(token, token)


def place_skeleton(token: str) -> str:
    for old, new in (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny")):
        token = token.replace(old, new)
    token = token.replace("o", "u")
    return re.sub(r"(.)\1+", r"\1", token)


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


def _match(name: str, candidates: dict[str, list[str]]) -> list[str]:
    """Codes whose place token equals ``name``'s, then by skeleton, then one edit apart."""
    token = place_token(name)
    if not token:
        return []
    if token in candidates:
        return candidates[token]
    skeleton = place_skeleton(token)
    by_skeleton = [
        k for t, codes in candidates.items() if place_skeleton(t) == skeleton for k in codes
    ]
    if by_skeleton:
        return by_skeleton
    if len(token) >= 5:
        return [k for t, codes in candidates.items() if _one_edit_apart(t, token) for k in codes]
    return []


@dataclass
class Resolved:
    kode: str | None
    column: str = ""  # "kec" or "desa" when not resolved
    reason: str = ""


class WilayahIndex:
    """The kecamatan and desa of the database, indexed by place token; resolves row names
    to a desa code inside the acting user's area (``user=None``: the whole country)."""

    def __init__(self, *, user):
        self.user = user
        self.area = "" if user is None else covered_kode(user)
        self.names: dict[str, str] = {}
        self.kecamatan: dict[str, list[str]] = {}
        self.desa_in: dict[str, dict[str, list[str]]] = {}
        self.desa: dict[str, list[str]] = {}
        rows = Wilayah.objects.filter(level__in=[Level.KECAMATAN, Level.DESA]).values_list(
            "kode", "nama", "level"
        )
        for kode, nama, level in rows:
            self.names[kode] = nama
            token = place_token(nama)
            if level == Level.KECAMATAN:
                self.kecamatan.setdefault(token, []).append(kode)
            else:
                self.desa.setdefault(token, []).append(kode)
                self.desa_in.setdefault(kode[:8], {}).setdefault(token, []).append(kode)
        self._cache: dict[tuple[str, str], Resolved] = {}

    def covers(self, kode: str) -> bool:
        return self.area is not None and kode_within(kode, self.area)

    def _prefer_own(self, codes: list[str]) -> list[str]:
        own = [k for k in codes if self.covers(k)]
        return own or codes

    def resolve(self, kec: str, desa: str) -> Resolved:
        key = (kec, desa)
        if key not in self._cache:
            self._cache[key] = self._resolve(kec, desa)
        return self._cache[key]

    def _resolve(self, kec: str, desa: str) -> Resolved:
        if not desa:
            return Resolved(None, "desa", _("Fill in the desa/kelurahan."))
        if kec:
            kecs = self._prefer_own(_match(kec, self.kecamatan))
            if not kecs:
                return Resolved(None, "kec", _("Unknown kecamatan '%(name)s'.") % {"name": kec})
            codes = [k for kk in kecs for k in _match(desa, self.desa_in.get(kk, {}))]
            if not codes:
                return Resolved(
                    None,
                    "desa",
                    _("Unknown desa/kelurahan '%(desa)s' in kecamatan %(kec)s.")
                    % {"desa": desa, "kec": self.names[kecs[0]]},
                )
        else:
            codes = _match(desa, self.desa)
            if not codes:
                return Resolved(
                    None, "desa", _("Unknown desa/kelurahan '%(name)s'.") % {"name": desa}
                )
        codes = self._prefer_own(sorted(set(codes)))
        if len(codes) > 1:
            return Resolved(
                None,
                "desa",
                _("More than one desa/kelurahan is called '%(name)s'; fill in the kecamatan.")
                % {"name": desa},
            )
        kode = codes[0]
        if not self.covers(kode):
            return Resolved(
                None,
                "desa",
                _("Desa/kelurahan %(name)s is outside your area.") % {"name": self.names[kode]},
            )
        return Resolved(kode)
