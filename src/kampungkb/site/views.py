from django.shortcuts import render

from kampungkb.wilayah.models import MaturityLevel
from kampungkb.wilayah.selectors import area_summary, wilayah_area


def home(request):
    summary = area_summary(user=request.user)
    levels = [(label, summary["levels"].get(value, 0)) for value, label in MaturityLevel.choices]
    unrated = summary["levels"].get("", 0)
    return render(
        request,
        "site/home.html",
        {
            "area": wilayah_area(user=request.user),
            "summary": summary,
            "levels": levels,
            "unrated": unrated,
        },
    )
