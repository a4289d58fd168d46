"""The scorecard's indicators as data (DOMAIN.md §5, Table 3): 8 for pregnant women, 10 for
children 0-23 months and 1 for children 2-6 years (PAUD), each with its target group, its
number in the published table, its service package and how its cell is filled.

``derived``: a deriver in ``derive.DERIVERS`` reads the system's data; ``entered``: the KPM
enters Y/T (the pregnancy ones are derived from pregnancy monitoring, ``derive_pregnancy``,
when the pregnancy has records).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Group:
    IBU_HAMIL = "ibu_hamil"
    ANAK = "anak"
    PAUD = "paud"


GROUP_LABELS = {
    Group.IBU_HAMIL: _("Pregnant women"),
    Group.ANAK: _("Children 0-23 months"),
    Group.PAUD: _("Children 2-6 years (PAUD)"),
}


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str
    number: int
    label: object  # a lazy translation
    package: object
    # The applicability rule in words (when the cell is TS, tidak sesuai).
    applies: object = ""


_KIA = _("Maternal and child health")
_GIZI = _("Nutrition counselling")
_WASH = _("Clean water and sanitation")
_SOCIAL = _("Social protection")
_PAUD = _("Early childhood education (PAUD)")
_NOT_AFTER_DELIVERY = _("TS once the mother has delivered")

INDICATORS: tuple[Indicator, ...] = (
    Indicator("ih_anc4", Group.IBU_HAMIL, 1, _("Antenatal care (ANC) at least 4 times"),
              _KIA, _NOT_AFTER_DELIVERY),
    Indicator("ih_ttd90", Group.IBU_HAMIL, 2,
              _("Took an iron tablet (TTD) a day for at least 90 days"), _KIA,
              _NOT_AFTER_DELIVERY),
    Indicator("ih_nifas3", Group.IBU_HAMIL, 3,
              _("Postnatal care (nifas) by a health worker at least 3 times"), _KIA,
              _("TS until the mother has delivered")),
    Indicator("ih_konseling", Group.IBU_HAMIL, 4,
              _("Nutrition counselling or kelas ibu hamil at least 4 times"), _GIZI,
              _NOT_AFTER_DELIVERY),
    Indicator("ih_kunjungan_risti", Group.IBU_HAMIL, 5,
              _("Risti/KEK: integrated home visit by the bidan at least monthly"), _GIZI,
              _("TS unless the pregnancy is at risk (risti) or KEK; TS once delivered")),
    Indicator("ih_air", Group.IBU_HAMIL, 6,
              _("Household has a safe drinking-water facility"), _WASH, _NOT_AFTER_DELIVERY),
    Indicator("ih_jamban", Group.IBU_HAMIL, 7, _("Household has a proper family latrine"),
              _WASH, _NOT_AFTER_DELIVERY),
    Indicator("ih_jkn", Group.IBU_HAMIL, 8, _("Has health insurance (JKN)"), _SOCIAL,
              _NOT_AFTER_DELIVERY),
    Indicator("an_imunisasi", Group.ANAK, 1, _("Complete basic immunisation"), _KIA,
              _("TS under 6 months")),
    Indicator("an_timbang", Group.ANAK, 2, _("Weighed every month"), _KIA,
              _("TS under 6 months")),
    Indicator("an_ukur", Group.ANAK, 3,
              _("Length/height measured at least twice a year (February and August)"), _KIA,
              _("TS before the child's first February or August")),
    Indicator("an_konseling", Group.ANAK, 4,
              _("Parent/carer attends nutrition counselling at least monthly"), _GIZI,
              _("TS under 6 months")),
    Indicator("an_kunjungan_gizi", Group.ANAK, 5,
              _("Gizi buruk/kurang/stunting: integrated home visit at least monthly"), _GIZI,
              _("TS unless the latest measurement shows underweight, wasting or stunting")),
    Indicator("an_air", Group.ANAK, 6, _("Household has safe drinking water"), _WASH),
    Indicator("an_jamban", Group.ANAK, 7, _("Household has a proper latrine"), _WASH),
    Indicator("an_akta", Group.ANAK, 8, _("Has a birth certificate (akta kelahiran)"), _SOCIAL),
    Indicator("an_jkn", Group.ANAK, 9, _("Has health insurance (JKN)"), _SOCIAL),
    Indicator("an_pengasuhan", Group.ANAK, 10,
              _("Parent/carer attends a parenting class (kelas pengasuhan/BKB) at least "
                "monthly"), _PAUD),
    Indicator("paud_aktif", Group.PAUD, 1,
              _("Registered in and active at a PAUD service"), _PAUD),
)  # fmt: skip

BY_KEY = {i.key: i for i in INDICATORS}


def indicators_of(group: str) -> list[Indicator]:
    return [i for i in INDICATORS if i.group == group]
