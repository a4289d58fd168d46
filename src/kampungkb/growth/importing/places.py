"""The posyandu and puskesmas an import's rows name: found by normalised name, else made."""

import functools

from kampungkb.growth.importing.instances import BATCH_SIZE, in_chunks
from kampungkb.growth.importing.rows import Row
from kampungkb.growth.models import Posyandu, Puskesmas
from kampungkb.growth.services import normalise_name


class ImportPlaces:
    """Posyandu and puskesmas named in the file: found by normalised name, else made."""

    def __init__(self, desa_codes: set[str]):
        self.posyandu: dict[tuple[str, str], Posyandu] = {}
        self.puskesmas: dict[tuple[str, str], Puskesmas] = {}
        self.new_posyandu: dict[tuple[str, str], Posyandu] = {}
        self.new_puskesmas: dict[tuple[str, str], Puskesmas] = {}
        for chunk in in_chunks(desa_codes):
            for p in Posyandu.objects.filter(desa_id__in=chunk):
                self.posyandu.setdefault((p.desa_id, self.token(p.nama)), p)
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
        """The existing posyandu the row names, or None (also when it is new)."""
        if not row.posyandu:
            return None
        return self.posyandu.get((row.desa_kode, self.token(row.posyandu)))

    def posyandu_for(self, row: Row) -> Posyandu | None:
        """The posyandu of a row that will be stored, made (unsaved) when it is new."""
        found = self.find_posyandu(row)
        if found is not None or not row.posyandu:
            return found
        key = (row.desa_kode, self.token(row.posyandu))
        if key not in self.new_posyandu:
            self.new_posyandu[key] = Posyandu(
                nama=row.posyandu, desa_id=row.desa_kode, puskesmas=self._puskesmas_for(row)
            )
        return self.new_posyandu[key]

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
