"""The KRS picture's downloads described as data: one xlsx sheet of the desa with the
kecamatan and area totals below, and a notes sheet. Views return it through
``kampungkb.core.downloads``; every share goes through ``core.rounding`` as on the page."""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from kampungkb.core.downloads import Sheet, header_widths
from kampungkb.core.rounding import ROUNDING_NOTE, percent
from kampungkb.families.stats import KrsPicture, KrsRow


def factor_labels() -> dict[str, str]:
    return {
        "air": _("Drinking water not proper"),
        "jamban": _("Latrine not proper"),
        "muda": _("Wife too young"),
        "tua": _("Wife too old"),
        "dekat": _("Births too close"),
        "banyak": _("Too many children"),
    }


def krs_header() -> list[str]:
    return [
        _("Code"),
        _("Area"),
        _("Families surveyed"),
        _("Target families"),
        _("KRS families"),
        _("KRS among target families (%)"),
        *factor_labels().values(),
        _("Families with a stunted child"),
        _("PUS"),
        _("PUS using a modern method"),
        _("mCPR (%)"),
        _("Members"),
        _("JKN coverage (%)"),
        _("Birth certificate coverage (%)"),
    ]


def krs_values(r: KrsRow) -> list:
    return [
        r.wilayah.kode,
        r.wilayah.nama,
        r.families,
        r.sasaran,
        r.krs,
        percent(r.krs_share),
        *(count for _name, count in r.factors),
        r.stunted,
        r.pus,
        r.pus_kb_modern,
        percent(r.mcpr),
        r.members,
        percent(r.jkn_share),
        percent(r.akta_share),
    ]


def krs_sheets(picture: KrsPicture) -> list[Sheet]:
    header = krs_header()
    round_line = _("Survey round %(year)s") % {"year": picture.tahun or "–"}
    return [
        Sheet(
            _("KRS by desa"),
            above=[
                [_("Families at risk of stunting (KRS)") + " · " + picture.area.nama],
                [round_line],
            ],
            header=header,
            rows=[krs_values(r) for r in picture.desa],
            totals=[krs_values(r) for r in picture.totals],
            widths=header_widths(header),
        ),
        Sheet(
            _("Notes"),
            header=[_("Note")],
            rows=[[str(line)] for line in (*krs_notes(), ROUNDING_NOTE)],
            widths={0: 100},
        ),
    ]


def krs_notes() -> list[str]:
    return [
        _(
            "A target family (sasaran) has a PUS, a pregnant wife, a child under two or a child "
            "of two to five; a KRS family is a target family with at least one risk factor of "
            "the KRS rule in force. Factor counts are of target families."
        ),
        _(
            "mCPR: PUS using a modern contraceptive method among all PUS. JKN and birth "
            "certificate coverage: members with one among the members whose answer is recorded."
        ),
        _(
            "A family with a stunted child has a member linked to a child whose latest "
            "measurement is stunted, whatever its label."
        ),
    ]


def krs_filename(picture: KrsPicture, ext: str) -> str:
    return f"krs-{slugify(picture.area.nama)}-{picture.tahun or 'kosong'}.{ext}"
