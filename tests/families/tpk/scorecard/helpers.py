"""Hand-made scorecard data: targets, measurements and visits written straight to the tables
(synthetic), in a past quarter so the answers do not depend on today."""

import datetime

from kampungkb.families.tpk.models import Target, Visit
from kampungkb.families.tpk.scorecard import selectors
from kampungkb.families.tpk.scorecard.quarters import Quarter
from tests import factories

Q3 = Quarter(2025, 3)  # July - September 2025
AFTER = datetime.date(2025, 10, 15)  # "today" when the quarter is over
D = datetime.date


def baduta(born: datetime.date, desa=factories.KURNIA_JAYA, *, registered=None, **child):
    kid = factories.child_row(desa, tanggal_lahir=born, **child)
    return Target.objects.create(
        kind="baduta",
        desa=factories.wilayah(desa),
        nama=kid.nama,
        child=kid,
        tanggal_daftar=registered or born,
        is_synthetic=True,
    )


def balita(born: datetime.date, desa=factories.KURNIA_JAYA):
    kid = factories.child_row(desa, tanggal_lahir=born)
    return Target.objects.create(
        kind="balita",
        desa=factories.wilayah(desa),
        nama=kid.nama,
        child=kid,
        tanggal_daftar=born,
        is_synthetic=True,
    )


def pregnant(hpht: datetime.date, *, registered=None, desa=factories.KURNIA_JAYA, **extra):
    return Target.objects.create(
        kind="ibu_hamil",
        desa=factories.wilayah(desa),
        nama=extra.pop("nama", "Ibu Hamil Sintetis"),
        hpht=hpht,
        tanggal_daftar=registered or hpht + datetime.timedelta(days=60),
        is_synthetic=True,
        **extra,
    )


def weigh(target, *days, **values):
    for day in days:
        factories.measurement_row(target.child, day, **values)


def visit(target, *days, jenis="kie"):
    for day in days:
        Visit.objects.create(target=target, tanggal=day, jenis=jenis, is_synthetic=True)


def card(user, desa=factories.KURNIA_JAYA, quarter=Q3, today=AFTER):
    return selectors.scorecard_for_desa(
        user=user, desa=factories.wilayah(desa), quarter=quarter, today=today
    )


def cells(scorecard, target) -> dict:
    for group in scorecard.groups.values():
        for row in group.rows:
            if row.target.pk == target.pk:
                return {ind.key: c for ind, c in row.cells}
    raise LookupError(target)
