"""The scorecard's downloads described as data, in the layout villages publish (Tables 1-4):
xlsx sheets here, the PDF from ``families/tpk/scorecard/pdf.html``. Shares go through
``core.rounding`` as on the page. Without the right to names, the per-target sheets are left
out."""

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kampungkb.core.downloads import Sheet, header_widths
from kampungkb.core.rounding import ROUNDING_NOTE, percent
from kampungkb.families.tpk.scorecard.card import Scorecard, months_label


def source_label(source: str) -> str:
    labels = {
        "derived": _("from the data"),
        "rule": _("rule (TS)"),
        "entered": _("entered by the KPM"),
        "": _("not filled"),
    }
    return labels[source]


def notes() -> list[str]:
    return [
        _(
            "Each target and indicator is Y (received), T (not received) or TS (not applicable "
            "for the target's age or status). A cell comes from the rule (TS), else from the "
            "data the system holds (measurements, TPK visits, the family survey), else from "
            "the KPM's entry; an entry never overrides the data."
        ),
        _(
            "Level per group = Σ Y ÷ Σ cells that apply × 100; village level = (Σ Y of pregnant "
            "women + Σ Y of children 0-23 months) ÷ (their cells that apply) × 100; coverage of "
            "an indicator = Y ÷ (targets − TS). A cell not filled counts as not received."
        ),
        _(
            "Growth mat: length-for-age of the month's measurement; red below −2 SD (indicated "
            "stunting), yellow from −2 to below −1 SD (at risk), green from −1 SD; TD: not "
            "measured that month."
        ),
        _(
            "Pregnant women's ANC, iron tablets and postnatal care, immunisation, parenting "
            "class and PAUD are entered by the KPM until the system records them."
        ),
    ]


def _targets_sheet(card: Scorecard) -> Sheet:
    t = card.targets
    rows = [
        [_("1000-HPK households"), t.households],
        [_("Pregnant women"), t.ibu_hamil],
        [_("of whom KEK or risti"), "–" if t.risti_kek is None else t.risti_kek],
        [_("Children 0-23 months"), t.anak],
        [_("gizi kurang (wasted)"), t.gizi_kurang],
        [_("gizi buruk (severely wasted)"), t.gizi_buruk],
        [_("stunting"), t.stunting],
    ]
    return Sheet(_("Table 1 targets"), header=[_("Target"), _("Count")], rows=rows, widths={0: 40})


def _mat_sheet(card: Scorecard, names: bool) -> Sheet:
    months = months_label(card.quarter)
    header = [_("Month"), _("Green"), _("Yellow"), _("Red"), _("Not measured")]
    rows = [
        [label, c["H"], c["K"], c["M"], c["TD"]]
        for label, c in zip(months, card.mat_counts, strict=True)
    ]
    if names:
        rows.append([])
        rows.append([_("Child"), *months])
        rows.extend([r.ctx.target.nama, *r.colours] for r in card.mat)
    return Sheet(_("Table 2 growth mat"), header=header, rows=rows, widths={0: 30})


def _group_sheet(group) -> Sheet:
    header = [_("Target"), *[f"{i.number}. {i.label}" for i in group.indicators]]
    rows = [[r.target.nama, *[c.value or "–" for _i, c in r.cells]] for r in group.rows]
    return Sheet(
        _("Table 3 %(group)s") % {"group": group.label},
        header=header,
        rows=rows,
        widths={0: 30, **dict.fromkeys(range(1, len(header)), 12)},
    )


def _sources_sheet(card: Scorecard) -> Sheet:
    header = [_("Target"), _("Indicator"), _("Value"), _("Source"), _("Note"), _("Entered")]
    rows = [
        [r.target.nama, f"{ind.number}. {ind.label}", c.value or "–", source_label(c.source),
         c.note, c.entered]
        for g in card.groups.values()
        for r in g.rows
        for ind, c in r.cells
    ]  # fmt: skip
    return Sheet(_("Sources of cells"), header=header, rows=rows, widths=header_widths(header))


def _level_sheet(card: Scorecard) -> Sheet:
    header = [_("Indicator"), _("Targets"), "TS", "Y", _("Coverage (%)")]
    rows = []
    for g in card.groups.values():
        rows.append([str(g.label), len(g.rows), "", g.y, percent(g.share)])
        rows.extend(
            [f"{c.indicator.number}. {c.indicator.label}", c.targets, c.ts, c.y, percent(c.share)]
            for c in g.coverage
        )
    totals = [[_("Convergence level"), "", "", card.y, percent(card.level)]]
    return Sheet(
        _("Table 4 convergence level"),
        header=header,
        rows=rows,
        totals=totals,
        widths={0: 60, 1: 10, 2: 8, 3: 8, 4: 14},
    )


def scorecard_sheets(desa, card: Scorecard, *, names: bool) -> list[Sheet]:
    title = [
        [_("Village convergence scorecard") + " · " + desa.nama],
        [str(card.quarter)],
    ]
    sheets = [_targets_sheet(card), _mat_sheet(card, names)]
    sheets[0].above = title
    if names:
        sheets.extend(_group_sheet(g) for g in card.groups.values())
        sheets.append(_sources_sheet(card))
    sheets.append(_level_sheet(card))
    sheets.append(
        Sheet(
            _("Notes"),
            header=[_("Note")],
            rows=[[str(line)] for line in (*notes(), ROUNDING_NOTE)],
            widths={0: 100},
        )
    )
    return sheets


def filename(desa, quarter, ext: str) -> str:
    return f"skor-konvergensi-{slugify(desa.nama)}-{quarter.tahun}-k{quarter.kuartal}.{ext}"


def levels_sheets(area, quarters, rows) -> list[Sheet]:
    """The convergence level of every desa of ``area`` per quarter and the last change."""
    header = [
        _("Code"),
        _("Desa"),
        _("Kecamatan"),
        *[str(q) for q in quarters],
        pgettext("difference between two periods", "Change"),
    ]
    body = [
        [r.desa.kode, r.desa.nama, r.desa.parent.nama if r.desa.parent else "",
         *[percent(level) for level in r.levels], percent(r.change)]
        for r in rows
    ]  # fmt: skip
    return [
        Sheet(
            _("Convergence level"),
            above=[[_("Village convergence level") + " · " + area.nama]],
            header=header,
            rows=body,
            widths=header_widths(header),
        ),
        Sheet(
            _("Notes"),
            header=[_("Note")],
            rows=[[str(line)] for line in (*notes(), ROUNDING_NOTE)],
            widths={0: 100},
        ),
    ]


def levels_filename(area, quarter, ext: str) -> str:
    return f"tingkat-konvergensi-{slugify(area.nama)}-{quarter.tahun}-k{quarter.kuartal}.{ext}"
