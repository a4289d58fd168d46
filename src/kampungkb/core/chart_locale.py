"""Number and date formats of the charts, in the user's language.

Vega-Lite reads ``config.locale`` (d3's number and time-format locale definitions), in the
browser (vega-embed) and in the PDF/PNG renderer (vl-convert) alike, so one spec shows
"Februari" and "16,7" in the Indonesian interface and "February" and "16.7" in the English one.
"""

from django.utils import translation

_INDONESIAN = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]},
    "time": {
        "dateTime": "%A, %e %B %Y %H.%M.%S",
        "date": "%d/%m/%Y",
        "time": "%H.%M.%S",
        "periods": ["AM", "PM"],
        "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
        "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
        "months": [
            "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
            "September", "Oktober", "November", "Desember",
        ],
        "shortMonths": [
            "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
        ],
    },
}  # fmt: skip

# English is Vega's own default; only other languages need a definition.
LOCALES = {"id": _INDONESIAN}


def chart_locale(language: str | None = None) -> dict | None:
    """The Vega locale for ``language`` (default: the active one), None for Vega's default."""
    code = (language or translation.get_language() or "").split("-")[0]
    return LOCALES.get(code)


def localized(spec: dict, language: str | None = None) -> dict:
    """``spec`` (a Vega-Lite dict) with the number and date formats of ``language``."""
    locale = chart_locale(language)
    if locale is not None:
        spec.setdefault("config", {})["locale"] = locale
    return spec
