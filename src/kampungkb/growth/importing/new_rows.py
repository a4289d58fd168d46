"""An import's new measurements as columns: what the plan computes for them and the writing
sends to the database, without a Measurement instance per row.

Most rows of a first import are new. Building a model instance for each, setting some sixty
attributes on it and reading them back for the write took more of a 100,000-row import than
the database's own work; the values are made, computed and written column by column instead.
:meth:`NewRows.instances` still builds the instances, for a caller that wants them.
"""

from dataclasses import dataclass, field

from kampungkb.growth.importing.instances import InstanceMaker
from kampungkb.growth.importing.rows import Row
from kampungkb.growth.models import Child, Measurement, MeasurementSource, Posyandu

#: Every column of a new measurement as written: the model's concrete fields but the key.
ATTNAMES = tuple(f.attname for f in Measurement._meta.concrete_fields if not f.primary_key)
#: The ids known only when the plan is written: of a new child, of a posyandu new in this
#: import, of the import batch; and the times of the write.
WRITE_TIME = ("child_id", "posyandu_id", "import_batch_id", "created_at", "updated_at")
#: Each field's value when neither the file nor the computation gives one (the model's).
DEFAULTS = {f.attname: f.get_default() for f in Measurement._meta.concrete_fields}


@dataclass
class NewRows:
    """The new measurements of a plan, one entry per measurement in every list, in the order
    they are written: the file's row, the child (unsaved when new: its id comes with the
    write), the posyandu the row names (None without a posyandu column), and ``columns``,
    attname -> values of every column but those of ``WRITE_TIME``."""

    rows: list[Row] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    posyandu: list[Posyandu | None] = field(default_factory=list)
    columns: dict[str, list] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def extend(self, other: "NewRows") -> None:
        self.rows.extend(other.rows)
        self.children.extend(other.children)
        self.posyandu.extend(other.posyandu)
        for name, values in other.columns.items():
            self.columns.setdefault(name, []).extend(values)

    def raw_columns(self, present: list[str], *, user_id) -> None:
        """Fill the columns an import takes from the file (``present``: the measurement
        fields whose column the file has; the others keep their defaults) and those it
        sets itself (date, source, who recorded it)."""
        n = len(self.rows)
        columns = self.columns
        for name in ATTNAMES:
            if name not in WRITE_TIME:
                columns[name] = [DEFAULTS[name]] * n
        for name in present:
            columns[name] = [getattr(row, name) for row in self.rows]
        columns["tanggal"] = [row.tanggal for row in self.rows]
        columns["sumber"] = [MeasurementSource.IMPORT] * n
        columns["recorded_by_id"] = [user_id] * n

    def write_columns(self, *, batch_id, now) -> dict[str, list]:
        """Every column of ``ATTNAMES``, with the ids known once the new children and
        posyandu are saved (as their foreign keys' descriptors would read them then), the
        batch and the time of writing."""
        posyandu_id = [None if p is None else p.pk for p in self.posyandu]
        n = len(self.rows)
        return {
            **self.columns,
            "child_id": [child.pk for child in self.children],
            "posyandu_id": posyandu_id,
            "import_batch_id": [batch_id] * n,
            "created_at": [now] * n,
            "updated_at": [now] * n,
        }

    def instances(self) -> list[Measurement]:
        """The new measurements as (unsaved) Measurement instances, their child and
        posyandu cached as assigning them would."""
        make = InstanceMaker(Measurement)
        names = [name for name in ATTNAMES if name in self.columns]
        out = []
        for i, (child, posyandu) in enumerate(zip(self.children, self.posyandu, strict=True)):
            values = {name: self.columns[name][i] for name in names}
            related = {"child": child}
            if posyandu is not None:
                related["posyandu"] = posyandu
            out.append(make(values, related))
        return out
