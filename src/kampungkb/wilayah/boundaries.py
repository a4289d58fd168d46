"""The boundaries of wilayah for the maps, decoded once per process.

A boundary is GeoJSON of kilobytes (a desa ~7 KB, a kabupaten ~21 KB); a kabupaten's map
decoded ~40 of them on every request, most of its CPU. The database gives each row's boundary
digest (md5 of its text) with the row; a boundary already decoded with that digest is reused,
any other (new, or changed by a load or an edit of any kind) is read and decoded again. So a
map never draws an outdated shape, whatever wrote it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import MD5, Cast

from kampungkb.wilayah.models import Wilayah

#: Decoded boundaries kept (a province: ~450 wilayah); the least recently drawn go first.
MAX_KEPT = 1024

_decoded: OrderedDict[tuple[str, str], dict] = OrderedDict()
_lock = threading.Lock()


def _digest():
    return MD5(Cast("boundary", TextField()))


def with_boundaries(queryset) -> list[Wilayah]:
    """The wilayah of ``queryset`` with their ``boundary`` (None where they have none), as
    ``list(queryset)`` would give them, decoding only boundaries not seen before."""
    if connection.vendor != "postgresql":
        return _with_boundaries_hashed_here(queryset)
    rows = list(queryset.defer("boundary").annotate(boundary_digest=_digest()))
    missing = []
    with _lock:
        for w in rows:
            key = (w.kode, w.boundary_digest)
            if w.boundary_digest is None:
                w.boundary = None
            elif key in _decoded:
                _decoded.move_to_end(key)
                w.boundary = _decoded[key]
            else:
                missing.append(w)
    if missing:
        fresh = {
            kode: (digest, boundary)
            for kode, digest, boundary in Wilayah.objects.filter(
                kode__in=[w.kode for w in missing]
            ).values_list("kode", _digest(), "boundary")
        }
        with _lock:
            for w in missing:
                digest, w.boundary = fresh.get(w.kode, (None, None))
                if digest is not None:
                    _keep((w.kode, digest), w.boundary)
    return rows


def _with_boundaries_hashed_here(queryset) -> list[Wilayah]:
    # SQLite has no md5 of its own: Django's is a Python function called from inside the
    # query, which deadlocks when threads share one connection (the test server's in-memory
    # database). The text is read instead (no JSON decoding) and hashed here.
    rows = list(queryset.defer("boundary").annotate(boundary_text=Cast("boundary", TextField())))
    with _lock:
        for w in rows:
            if w.boundary_text is None:
                w.boundary = None
                continue
            key = (w.kode, hashlib.blake2b(w.boundary_text.encode(), digest_size=16).hexdigest())
            if key in _decoded:
                _decoded.move_to_end(key)
                w.boundary = _decoded[key]
            else:
                w.boundary = json.loads(w.boundary_text)
                _keep(key, w.boundary)
            del w.boundary_text
    return rows


def _keep(key: tuple[str, str], boundary) -> None:
    """Keep a decoded boundary (the caller holds the lock), the oldest going past MAX_KEPT."""
    _decoded[key] = boundary
    _decoded.move_to_end(key)
    while len(_decoded) > MAX_KEPT:
        _decoded.popitem(last=False)


def forget_boundaries() -> None:
    """Drop the decoded boundaries (tests; never needed for correctness)."""
    with _lock:
        _decoded.clear()
