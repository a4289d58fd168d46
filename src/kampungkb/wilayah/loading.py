"""Load a kabupaten's wilayah (codes, names, centroids, boundaries) from CSV + GeoJSON.

The folder format is the one of ``data/beltim`` (see its SOURCE.md). A load is checked as a
whole before anything is written: one bad row stops it with the row named.
"""

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.models import AuditAction
from kampungkb.wilayah.models import KODE_LENGTH, KODE_VALIDATOR, Level, Wilayah

CSV_COLUMNS = ("kode", "nama", "level", "kode_induk", "jenis", "lat_centroid", "lng_centroid")


class WilayahLoadError(Exception):
    """The input cannot be loaded; ``errors`` names each offending row."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    boundaries: int = 0
    codes: list[str] = field(default_factory=list)


def _float_or_none(text: str):
    text = (text or "").strip()
    return float(text) if text else None


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    """(row number, {column: cell}) of each row under the header that holds anything.

    A row is numbered as a spreadsheet shows it: blank lines count (``csv.DictReader`` skips
    them uncounted), a line break inside a quoted cell does not. A row of empty cells (what a
    spreadsheet saves below its data) is skipped. A file not in UTF-8 is refused.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WilayahLoadError(
            [
                _("%(file)s is not UTF-8 text: save it as “CSV UTF-8”, then load it again.")
                % {"file": path.name}
            ]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [c.strip() for c in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise WilayahLoadError(
            [
                _("%(file)s: missing column(s): %(cols)s")
                % {"file": path.name, "cols": ", ".join(missing)}
            ]
        )
    for number, cells in enumerate(reader, start=2):
        if any(c.strip() for c in cells):
            yield number, dict(zip(header, cells, strict=False))


def _on_earth(lat: float | None, lng: float | None) -> bool:
    """Whether the centroid is a point on Earth (or not given). NaN is none: stored, it never
    equals itself, and every load of the same file would update its row again."""
    return (lat is None or (math.isfinite(lat) and -90 <= lat <= 90)) and (
        lng is None or (math.isfinite(lng) and -180 <= lng <= 180)
    )


def _read_csv(path: Path) -> tuple[list[dict], list[str]]:
    errors: list[str] = []
    rows: list[dict] = []
    seen: set[str] = set()
    for lineno, raw in _records(path):
        kode = (raw.get("kode") or "").strip()
        level = (raw.get("level") or "").strip()
        parent = (raw.get("kode_induk") or "").strip()
        where = _("%(file)s row %(row)d") % {"file": path.name, "row": lineno}
        try:
            KODE_VALIDATOR(kode)
        except Exception:
            errors.append(
                _("%(where)s, column kode: '%(kode)s' is not a Kemendagri code.")
                % {"where": where, "kode": kode}
            )
            continue
        if level not in Level.values:
            errors.append(
                _("%(where)s, column level: unknown level '%(level)s'.")
                % {"where": where, "level": level}
            )
            continue
        if len(kode) != KODE_LENGTH[Level(level)]:
            errors.append(
                _("%(where)s: code %(kode)s does not fit level %(level)s.")
                % {"where": where, "kode": kode, "level": level}
            )
            continue
        if level != Level.PROVINSI and not kode.startswith(parent + "."):
            errors.append(
                _("%(where)s, column kode_induk: %(parent)s is not the parent of %(kode)s.")
                % {"where": where, "parent": parent or "-", "kode": kode}
            )
            continue
        if kode in seen:
            errors.append(
                _("%(where)s: code %(kode)s appears twice.") % {"where": where, "kode": kode}
            )
            continue
        try:
            lat = _float_or_none(raw.get("lat_centroid"))
            lng = _float_or_none(raw.get("lng_centroid"))
        except ValueError:
            errors.append(_("%(where)s: the centroid is not a number.") % {"where": where})
            continue
        if not _on_earth(lat, lng):
            errors.append(
                _(
                    "%(where)s: the centroid is no point on Earth (latitude from -90 to 90, "
                    "longitude from -180 to 180)."
                )
                % {"where": where}
            )
            continue
        seen.add(kode)
        rows.append(
            {
                "kode": kode,
                "nama": (raw.get("nama") or "").strip(),
                "level": level,
                "parent_id": parent or None,
                "jenis": (raw.get("jenis") or "").strip(),
                "kode_bps": (raw.get("kode_bps") or "").strip(),
                "lat": lat,
                "lng": lng,
                "_row": where,
            }
        )
    return rows, errors


def _read_boundaries(
    paths: list[Path], known: set[str], skipped: frozenset[str] = frozenset()
) -> tuple[dict, list[str]]:
    geometries: dict[str, dict] = {}
    errors: list[str] = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            errors.append(_("%(file)s cannot be read: %(err)s") % {"file": path.name, "err": exc})
            continue
        features = data.get("features", []) if isinstance(data, dict) else None
        if not isinstance(features, list):
            errors.append(_("%(file)s is not a GeoJSON FeatureCollection.") % {"file": path.name})
            continue
        for i, feature in enumerate(features, start=1):
            where = _("%(file)s feature %(n)d") % {"file": path.name, "n": i}
            properties = (feature.get("properties") or {}) if isinstance(feature, dict) else None
            if not isinstance(properties, dict):
                errors.append(
                    _("%(where)s: the feature has no properties with a wilayah code.")
                    % {"where": where}
                )
                continue
            kode = str(properties.get("kode", "")).strip()
            geometry = feature.get("geometry")
            if kode in skipped:
                continue
            if kode not in known:
                errors.append(
                    _("%(where)s: unknown wilayah code '%(kode)s'.")
                    % {"where": where, "kode": kode}
                )
            elif not isinstance(geometry, dict) or geometry.get("type") not in {
                "Polygon",
                "MultiPolygon",
            }:
                errors.append(_("%(where)s: the geometry is not a polygon.") % {"where": where})
            else:
                geometries[kode] = geometry
    return geometries, errors


def _only_kabupaten(rows: list[dict], kabupaten: str) -> list[dict]:
    """The rows of one kabupaten and the provinsi above it; an unknown code is an error."""
    if not any(r["kode"] == kabupaten and r["level"] == Level.KABUPATEN for r in rows):
        raise WilayahLoadError(
            [_("Kabupaten %(kode)s is not in this data set.") % {"kode": kabupaten}]
        )
    return [
        r
        for r in rows
        if (r["level"] == Level.PROVINSI and kabupaten.startswith(r["kode"] + "."))
        or r["kode"] == kabupaten
        or r["kode"].startswith(kabupaten + ".")
    ]


def wilayah_load(*, folder: Path, actor=None, kabupaten: str | None = None) -> LoadResult:
    """Create or update the wilayah in ``folder``; reloading updates, never duplicates.

    ``kabupaten`` (a code) loads only that kabupaten of a province's folder, with its provinsi:
    how a kabupaten is added to a running installation."""
    folder = Path(folder)
    csv_files = sorted(folder.glob("*_wilayah.csv")) or sorted(folder.glob("*.csv"))
    if len(csv_files) != 1:
        raise WilayahLoadError(
            [_("%(folder)s must hold exactly one wilayah CSV file.") % {"folder": folder}]
        )
    rows, errors = _read_csv(csv_files[0])
    left_out: frozenset[str] = frozenset()
    if kabupaten:
        every = {r["kode"] for r in rows}
        rows = _only_kabupaten(rows, kabupaten)
        left_out = frozenset(every - {r["kode"] for r in rows})
    in_file = {r["kode"] for r in rows}
    existing = set(
        Wilayah.objects.filter(
            kode__in=in_file | {r["parent_id"] for r in rows if r["parent_id"]}
        ).values_list("kode", flat=True)
    )
    for r in rows:
        if r["parent_id"] and r["parent_id"] not in in_file and r["parent_id"] not in existing:
            errors.append(
                _("%(where)s, column kode_induk: unknown wilayah code '%(parent)s'.")
                % {"where": r["_row"], "parent": r["parent_id"]}
            )
    geometries, geo_errors = _read_boundaries(sorted(folder.glob("*.geojson")), in_file, left_out)
    errors += geo_errors
    if errors:
        raise WilayahLoadError(errors)

    result = LoadResult()
    with transaction.atomic():
        current = {w.kode: w for w in Wilayah.objects.filter(kode__in=in_file)}
        # Parents first, so every foreign key points at a row that exists.
        for r in sorted(rows, key=lambda r: len(r["kode"])):
            values = {k: v for k, v in r.items() if not k.startswith("_") and k != "kode"}
            values["boundary"] = geometries.get(
                r["kode"], getattr(current.get(r["kode"]), "boundary", None)
            )
            if r["kode"] in geometries:
                result.boundaries += 1
            obj = current.get(r["kode"])
            if obj is None:
                Wilayah.objects.create(kode=r["kode"], **values)
                result.created += 1
            elif any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.save()
                result.updated += 1
            else:
                result.unchanged += 1
            result.codes.append(r["kode"])
        if result.created or result.updated:
            top = Wilayah.objects.get(kode=min(in_file, key=len))
            audit_record(
                actor=actor,
                action=AuditAction.LOAD,
                obj=top,
                wilayah_kode=top.kode,
                changes={
                    "source": str(folder.name),
                    "created": result.created,
                    "updated": result.updated,
                },
            )
            if kabupaten:
                # A kabupaten added to a running installation may add the provinsi level
                # to the summaries (a province installation): refresh them.
                records_changed_on_commit(sender="wilayah")
    return result
