"""Children under five, posyandu and their measurements, with what is computed at write; the
KBM tables and their recomputes; uploaded and committed imports; the background jobs
(exports) with their progress. One module per kind of record, all of them importable from
here (Django finds the app's models in this package)."""

from kampungkb.growth.models.children import NIK_VALIDATOR, Child, ChildQuerySet, Sex
from kampungkb.growth.models.imports import ImportBatch, Upload
from kampungkb.growth.models.jobs import FileJob, JobKind, JobStatus
from kampungkb.growth.models.kbm import KBMEntry, KBMTable, RecomputeRun
from kampungkb.growth.models.measurements import (
    GrowthCode,
    Measurement,
    MeasurementQuerySet,
    MeasurementSource,
    MeasureMethod,
)
from kampungkb.growth.models.places import (
    Posyandu,
    PosyanduAlias,
    PosyanduAliasQuerySet,
    PosyanduQuerySet,
    Puskesmas,
)

__all__ = [
    "NIK_VALIDATOR",
    "Child",
    "ChildQuerySet",
    "FileJob",
    "GrowthCode",
    "ImportBatch",
    "JobKind",
    "JobStatus",
    "KBMEntry",
    "KBMTable",
    "MeasureMethod",
    "Measurement",
    "MeasurementQuerySet",
    "MeasurementSource",
    "Posyandu",
    "PosyanduAlias",
    "PosyanduAliasQuerySet",
    "PosyanduQuerySet",
    "Puskesmas",
    "RecomputeRun",
    "Sex",
    "Upload",
]
