"""The analytics downloads described as data: the numbers behind the area page, the
priority desa (aksi 1) and the public publication (aksi 7). Views pick one and return it
through ``kampungkb.core.downloads``.

Every figure goes through ``core.rounding`` as on the pages: a Decimal with the decimal shown
there, which the download layer stores as a number with that number format. Each workbook
ends with a notes sheet stating the rule."""

from django.utils.translation import gettext as _

from kampungkb.analytics import charts, course
from kampungkb.analytics.models import Group, PeriodType, TargetScope
from kampungkb.analytics.publication import MIN_CASES, MIN_N
from kampungkb.core.downloads import Sheet, header_widths
from kampungkb.core.rounding import ROUNDING_NOTE, percent, round_half_up

DASH = "–"


def _sheet(title, header, rows) -> Sheet:
    return Sheet(title, header=header, rows=rows, widths=header_widths(header))


def _notes_sheet(*lines) -> Sheet:
    """The workbook's notes, ending with the rounding rule (as on the pages)."""
    return _sheet(_("Notes"), [_("Note")], [[str(line)] for line in (*lines, ROUNDING_NOTE)])


def pdf_context(ctx: dict, **chart_specs) -> dict:
    """Return a page's context for its PDF: the print layout, each chart as a PNG image."""
    images = {name: charts.png_data_uri(spec) for name, spec in chart_specs.items()}
    return {**ctx, "print": True, **images}


# --- the area page -------------------------------------------------------------------------


def _indicator_headers():
    return [
        _("Children measured"),
        _("Cases"),
        _("Prevalence (%)"),
        _("95% CI low (%)"),
        _("95% CI high (%)"),
    ]


def _cell_values(c):
    if c is None:
        return [0, 0, None, None, None]
    return [c.n, c.cases, percent(c.prevalence), percent(c.ci_low), percent(c.ci_high)]


def area_sheets(ctx: dict) -> list[Sheet]:
    """The numbers behind every chart and table of the area page (its view's context)."""
    indicator = _indicator_headers()
    return [
        _sheet(
            _("Headline"),
            [_("Indicator"), *indicator],
            [[str(lbl), *_cell_values(c)] for lbl, c in ctx["head"]["indicators"]],
        ),
        _sheet(
            _("Sub-areas"),
            [
                _("Code"),
                _("Area"),
                "Kampung KB",
                *indicator,
                _("Coverage (%)"),
                _("Flagged (%)"),
                _("Lengths ending .0/.5 (%)"),
            ],
            [
                [
                    r.wilayah.kode,
                    r.wilayah.nama,
                    _("yes") if r.kampung_kb else "",
                    *_cell_values(r.cell),
                    percent(r.quality.coverage) if r.quality else None,
                    percent(r.quality.share_flagged) if r.quality else None,
                    percent(r.quality.digit_preference) if r.quality else None,
                ]
                for r in ctx["subareas"]
            ],
        ),
        _sheet(
            _("Trend"),
            [_("Period type"), _("Period start"), *indicator, _("Provisional"), _("Small n")],
            [
                [
                    str(PeriodType(r.period_type).label),
                    r.period_start,
                    *_cell_values(r),
                    _yes(r.status.provisional),
                    _yes(r.status.small_n),
                ]
                for r in ctx["trend"]
            ],
        ),
        _sheet(
            _("Kampung KB vs other"),
            [_("Group"), *indicator],
            [[str(Group(r.group).label), *_cell_values(r)] for r in ctx["kampung_kb_groups"]],
        ),
        _sheet(
            _("Surveys"),
            [_("Survey"), _("Year"), _("Area"), _("Prevalence (%)"), _("Source")],
            [
                [
                    s.get_survey_display(),
                    s.tahun,
                    s.wilayah.nama,
                    round_half_up(s.prevalensi),
                    s.sumber,
                ]
                for s in ctx["surveys"]
            ],
        ),
        _sheet(
            _("On course"),
            [
                _("Figure"),
                _("Year"),
                _("Prevalence (%)"),
                _("Target of"),
                _("Target (%)"),
                _("On course"),
                _("Provisional"),
            ],
            [
                [
                    c.label,
                    c.year,
                    round_half_up(c.value),
                    str(TargetScope(c.target_scope).label),
                    round_half_up(c.target),
                    "" if c.on_course is None else (_("yes") if c.on_course else _("no")),
                    _yes(c.status.provisional),
                ]
                for c in ctx["checks"]
            ],
        ),
        _notes_sheet(course.ON_COURSE_RULE, course.PROVISIONAL_RULE),
    ]


def _yes(flag: bool) -> str:
    return _("yes") if flag else ""


def area_filename(ctx: dict) -> str:
    slug = f"analisis-{ctx['area'].kode}-{ctx['sel'].period_type}-{ctx['period_label']}"
    return slug.replace(" ", "-") + ".xlsx"


# --- priority desa (aksi 1) ----------------------------------------------------------------


def priority_sheets(ctx: dict) -> list[Sheet]:
    """The ranking, its weights and the kecamatan figures (the priority page's context)."""
    w = ctx["weights"]
    ranking = [
        [
            r.rank,
            r.wilayah.kode,
            r.wilayah.nama,
            r.wilayah.parent.nama if r.wilayah.parent else "",
            _("yes") if r.kampung_kb else "",
            _("yes") if r.lokus else "",
            round_half_up(r.score),
            percent(r.prevalence),
            r.cases,
            r.n,
            percent(r.trend),
            percent(r.coverage),
            percent(r.quality),
            percent(r.krs_share),
            r.reason,
        ]
        for r in ctx["rows"]
    ]
    weights = [
        [_("Stunting prevalence"), w.w_prevalence],
        [_("Number of stunted children"), w.w_cases],
        [_("Trend (rise in prevalence)"), w.w_trend],
        [_("Low weighing coverage"), w.w_coverage],
        [_("Poor data quality"), w.w_quality],
        [_("Families at risk of stunting (KRS share)"), w.w_krs],
        [_("Number of priority desa (lokus)"), w.n_lokus],
    ]
    kecamatan = [
        [
            r.wilayah.kode,
            r.wilayah.nama,
            r.cell.n if r.cell else 0,
            r.cell.cases if r.cell else 0,
            percent(r.cell.prevalence) if r.cell else None,
            percent(r.quality.coverage) if r.quality else None,
        ]
        for r in ctx["subareas"]
    ]
    ranking_sheet = _sheet(
        _("Priority desa"),
        [
            _("Rank"),
            _("Code"),
            _("Desa"),
            _("Kecamatan"),
            "Kampung KB",
            _("Priority (lokus)"),
            _("Score"),
            _("Stunting (%)"),
            _("Stunted children"),
            _("Children measured"),
            _("Change (points)"),
            _("Coverage (%)"),
            _("Data quality index (%)"),
            _("KRS (%)"),
            _("Reason"),
        ],
        ranking,
    )
    if ctx.get("period_open"):
        ranking_sheet.above = [
            [
                _(
                    "This period has not ended yet: its figures, and so this ranking and its "
                    "lokus, are provisional and will change."
                )
            ]
        ]
    return [
        ranking_sheet,
        _sheet(_("Weights"), [_("Criterion"), _("Weight")], weights),
        _sheet(
            _("Kecamatan"),
            [
                _("Code"),
                _("Kecamatan"),
                _("Children measured"),
                _("Cases"),
                _("Stunting (%)"),
                _("Coverage (%)"),
            ],
            kecamatan,
        ),
        _notes_sheet(),
    ]


def priority_filename(area, ext: str) -> str:
    return f"analisis-situasi-aksi1-{area.kode}.{ext}"


# --- the public publication (aksi 7) -------------------------------------------------------


def _public_row(r) -> list:
    s = r.cells
    st = s["stunting"]
    group = getattr(r, "group", "")  # a Kampung KB / other desa row is named by its group
    return [
        r.kode,
        str(Group(group).label) if group else r.nama,
        DASH if st.n is None else st.n,
        DASH if st.cases is None else st.cases,
        DASH if st.suppressed else percent(st.prevalence),
        DASH if st.suppressed else percent(st.ci_low),
        DASH if st.suppressed else percent(st.ci_high),
        DASH if s["wasting"].suppressed else percent(s["wasting"].prevalence),
        DASH if s["underweight"].suppressed else percent(s["underweight"].prevalence),
    ]


def public_sheets(publication, tables: dict) -> list[Sheet]:
    """The published tables (``publication.public_tables``), small cells shown as –."""
    header = [
        _("Code"),
        _("Area"),
        _("Children measured"),
        _("Stunted children"),
        _("Stunting (%)"),
        _("95% CI low (%)"),
        _("95% CI high (%)"),
        _("Wasting (%)"),
        _("Underweight (%)"),
    ]
    notes = [
        _("Published figures, version %(v)s.") % {"v": publication.version},
        _("Cells with fewer than %(n)s children measured or fewer than %(c)s cases are shown as –.")
        % {"n": MIN_N, "c": MIN_CASES},
        _(
            "Some larger cells are also shown as – so that a hidden cell cannot be "
            "worked out by subtracting the others from their area's total."
        ),
    ]
    return [
        # The regency, then its Kampung KB desa and other desa, as the page and the PDF
        # publish them (and as the KRS sheet lists them).
        _sheet(
            _("Regency"),
            header,
            [_public_row(r) for r in (*tables["kabupaten"], *tables.get("kampung_kb", []))],
        ),
        _sheet(_("Sub-districts"), header, [_public_row(r) for r in tables["kecamatan"]]),
        _sheet(_("Villages"), header, [_public_row(r) for r in tables["desa"]]),
        _notes_sheet(*notes),
    ]


def public_filename(publication, ext: str) -> str:
    return f"publikasi-data-stunting-{publication.kabupaten_id}-v{publication.version}.{ext}"
