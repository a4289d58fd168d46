"""The posyandu and puskesmas an import's rows name: found by name or by an alias, else made
when whoever imports has decided so.

A posyandu is found in its desa by its name (:meth:`ImportPlaces.token`), then by an alias an
importer decided earlier (``PosyanduAlias``), then by :func:`posyandu_key` (no "Posyandu"/"Pos",
no spaces or punctuation, Roman numerals as digits: "POSYANDU KURNIA 1" = "Posyandu Kurnia
I") when that picks out one posyandu. A name found nowhere in a desa that has posyandu is
*unknown*: nothing is made for it until the importer decides (:class:`PosyanduChoices`) that it
is one of the desa's posyandu (remembered as an alias) or a new one. Each unknown name is
listed with the desa's posyandu ranked by similarity. In a desa with no posyandu yet there is
nothing to confuse a name with, and its posyandu are made.
"""

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.rounding import percent
from kampungkb.growth.importing.instances import BATCH_SIZE, in_chunks
from kampungkb.growth.importing.rows import Row
from kampungkb.growth.models import Posyandu, PosyanduAlias, Puskesmas
from kampungkb.growth.services import normalise_name

# Words a file writes before a posyandu's own name ("POSYANDU MELATI", "Pos Melati").
_PREFIXES = {"posyandu", "pos", "posy", "psy", "pyd"}
_ROMAN_NUMERALS = (
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x",
    "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx",
)  # fmt: skip
_ROMAN = {roman: str(n) for n, roman in enumerate(_ROMAN_NUMERALS, 1)}
#: From this similarity (0-1) on, a posyandu is offered as a likely match of an unknown name.
SIMILAR = 0.6


@functools.lru_cache(maxsize=8192)
def posyandu_key(name: str) -> str:
    """The name of a posyandu as an import compares it.

    >>> posyandu_key("POSYANDU KURNIA 1") == posyandu_key("Posyandu Kurnia I") == "kurnia1"
    True
    >>> posyandu_key("Pos. Melati-02"), posyandu_key("Posyandu")
    ('melati2', 'posyandu')
    """
    words = normalise_name(name).split()
    while len(words) > 1 and words[0] in _PREFIXES:
        words = words[1:]
    return "".join(
        _ROMAN.get(w, w.lstrip("0") or w) if w.isdigit() or w in _ROMAN else w for w in words
    )


@dataclass(frozen=True)
class PosyanduChoices:
    """What the importer decided for the posyandu names that match none of their desa.

    ``create``: (desa code, :func:`posyandu_key`) of the names to make as new posyandu;
    ``create_all``: make every unknown name; ``mapped``: (desa code, key) → the id of one of
    that desa's posyandu, remembered as an alias when the import is saved (the web pages store
    their aliases before the preview instead).
    """

    create: frozenset[tuple[str, str]] = frozenset()
    create_all: bool = False
    mapped: Mapping[tuple[str, str], int] = field(default_factory=dict)


class ImportPlaces:
    """Posyandu and puskesmas named in the file: found, made, or (posyandu) waiting for a
    decision."""

    def __init__(self, desa_codes: set[str], *, user=None, choices: PosyanduChoices | None = None):
        self.user = user
        self.choices = choices or PosyanduChoices()
        self.posyandu: dict[tuple[str, str], Posyandu] = {}
        self.by_key: dict[tuple[str, str], list[Posyandu]] = {}
        self.in_desa: dict[str, list[Posyandu]] = {}
        self.aliases: dict[tuple[str, str], Posyandu] = {}
        self.mapped: dict[tuple[str, str], Posyandu] = {}
        self.bad_mapped: list[tuple[str, str, int]] = []
        self.puskesmas: dict[tuple[str, str], Puskesmas] = {}
        self.new_posyandu: dict[tuple[str, str], Posyandu] = {}
        self.new_puskesmas: dict[tuple[str, str], Puskesmas] = {}
        self.new_aliases: dict[tuple[str, str], tuple[str, Posyandu]] = {}
        # Unknown names with no decision: a stand-in posyandu (never saved) and the rows.
        self.undecided: dict[tuple[str, str], Posyandu] = {}
        self.unknown: dict[tuple[str, str], dict] = {}
        self._found: dict[tuple[str, str], Posyandu | None] = {}  # (desa, name as written)
        for chunk in in_chunks(desa_codes):
            for p in Posyandu.objects.filter(desa_id__in=chunk):
                self.posyandu.setdefault((p.desa_id, self.token(p.nama)), p)
                self.by_key.setdefault((p.desa_id, posyandu_key(p.nama)), []).append(p)
                self.in_desa.setdefault(p.desa_id, []).append(p)
            aliases = PosyanduAlias.objects.filter(desa_id__in=chunk).select_related("posyandu")
            for a in aliases:
                if a.posyandu.desa_id == a.desa_id:
                    self.aliases[(a.desa_id, a.name_key)] = a.posyandu
        for (desa, key), pk in self.choices.mapped.items():
            found = next((p for p in self.in_desa.get(desa, []) if p.pk == pk), None)
            if found is None:
                self.bad_mapped.append((desa, key, pk))
            else:
                self.mapped[(desa, key)] = found
        kec_codes = {k[:8] for k in desa_codes}
        for chunk in in_chunks(kec_codes):
            for p in Puskesmas.objects.filter(kecamatan_id__in=chunk):
                self.puskesmas.setdefault((p.kecamatan_id, self.token(p.nama)), p)

    @staticmethod
    @functools.lru_cache(maxsize=8192)
    def token(name: str) -> str:
        words = normalise_name(name).split()
        if words and words[0] in {"posyandu", "puskesmas", "pkm", "pusk"} and len(words) > 1:
            words = words[1:]
        return " ".join(words)

    def find_posyandu(self, row: Row) -> Posyandu | None:
        """The existing posyandu the row names, or None (also when it is new or unknown)."""
        if not row.posyandu:
            return None
        # What is found depends on the desa and the name only (and on what was read when
        # the import began): once per pair, not per row.
        key = (row.desa_kode, row.posyandu)
        try:
            return self._found[key]
        except KeyError:
            found = self._found[key] = self._find_posyandu(*key)
            return found

    def _find_posyandu(self, desa: str, name: str) -> Posyandu | None:
        found = self.posyandu.get((desa, self.token(name)))
        if found is not None:
            return found
        key = (desa, posyandu_key(name))
        found = self.aliases.get(key) or self.mapped.get(key)
        if found is not None:
            return found
        same = self.by_key.get(key, ())
        return same[0] if len(same) == 1 else None

    def posyandu_for(self, row: Row) -> Posyandu | None:
        """The posyandu of a row that will be stored: found, made (unsaved) when it is new, or
        a stand-in never saved while the name waits for a decision."""
        found = self.find_posyandu(row)
        key = (row.desa_kode, posyandu_key(row.posyandu))
        if found is not None:
            if key in self.mapped and key not in self.aliases:
                self.new_aliases.setdefault(key, (row.posyandu, found))
            return found
        if not row.posyandu or not key[1]:
            return None
        if key in self.new_posyandu:
            return self.new_posyandu[key]
        if key in self.undecided:
            self.unknown[key]["rows"] += 1
            return self.undecided[key]
        choices = self.choices
        if self.in_desa.get(row.desa_kode) and not (choices.create_all or key in choices.create):
            self.unknown[key] = {"nama": row.posyandu, "row": row.number, "rows": 1}
            stand_in = self.undecided[key] = Posyandu(nama=row.posyandu, desa_id=row.desa_kode)
            return stand_in
        self.new_posyandu[key] = Posyandu(
            nama=row.posyandu, desa_id=row.desa_kode, puskesmas=self._puskesmas_for(row)
        )
        return self.new_posyandu[key]

    def unknown_list(self, names: Mapping[str, str]) -> list[dict]:
        """The unknown names (JSON-ready), each with its desa's posyandu ranked by similarity;
        ``names`` gives desa names by code."""
        out = []
        for (desa, key), seen in sorted(self.unknown.items(), key=lambda kv: kv[1]["row"]):
            ranked = sorted(
                (
                    (difflib.SequenceMatcher(None, key, posyandu_key(p.nama)).ratio(), p)
                    for p in self.in_desa.get(desa, [])
                ),
                key=lambda sp: (-sp[0], sp[1].nama),
            )
            out.append(
                {
                    "desa_kode": desa,
                    "desa": names.get(desa, desa),
                    "key": key,
                    **seen,
                    "suggestions": [
                        {
                            "pk": p.pk,
                            "nama": p.nama,
                            "score": int(percent(score, places=0)),
                            "similar": score >= SIMILAR,
                        }
                        for score, p in ranked
                    ],
                }
            )
        return out

    def new_list(self, names: Mapping[str, str]) -> list[dict]:
        """The posyandu the import makes (JSON-ready)."""
        return [
            {"desa_kode": desa, "desa": names.get(desa, desa), "key": key, "nama": p.nama}
            for (desa, key), p in sorted(self.new_posyandu.items())
        ]

    def _puskesmas_for(self, row: Row) -> Puskesmas | None:
        if not row.puskesmas:
            return None
        key = (row.desa_kode[:8], self.token(row.puskesmas))
        found = self.puskesmas.get(key) or self.new_puskesmas.get(key)
        if found is None:
            found = self.new_puskesmas[key] = Puskesmas(
                nama=row.puskesmas, kecamatan_id=row.desa_kode[:8]
            )
            found._kerja = set()
        if found.pk is None:
            found._kerja.add(row.desa_kode)
        return found

    def save(self) -> None:
        puskesmas = list(self.new_puskesmas.values())
        Puskesmas.objects.bulk_create(puskesmas, batch_size=BATCH_SIZE)
        Through = Puskesmas.wilayah_kerja.through
        Through.objects.bulk_create(
            [Through(puskesmas_id=p.pk, wilayah_id=k) for p in puskesmas for k in sorted(p._kerja)],
            batch_size=BATCH_SIZE,
        )
        Posyandu.objects.bulk_create(list(self.new_posyandu.values()), batch_size=BATCH_SIZE)
        by = self.user if getattr(self.user, "pk", None) else None
        for (desa, key), (nama, posyandu) in sorted(self.new_aliases.items()):
            alias = PosyanduAlias.objects.create(
                desa_id=desa, nama=nama[:150], name_key=key, posyandu=posyandu, created_by=by
            )
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                obj=alias,
                wilayah_kode=desa,
                changes={"nama": alias.nama, "posyandu": posyandu.pk},
            )
