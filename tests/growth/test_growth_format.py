"""The filters a session's list of children uses write what Django's own would: the birth
date as ``|date:"j M Y"`` and the sex as the model's choice label, in either language."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import translation

from kampungkb.growth.models import Child, Sex
from kampungkb.growth.templatetags.growth_format import day_month_year, sex_label


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_birth_date_and_a_sex_are_written_as_djangos_filters_write_them(language):
    with translation.override(language):
        for month in range(1, 13):
            day = datetime.date(2024, month, 7 + month)
            assert day_month_year(day) == date_filter(day, "j M Y")
        for code in Sex.values:
            assert sex_label(code) == Child(jenis_kelamin=code).get_jenis_kelamin_display()
    assert day_month_year(None) == ""


def test_the_words_follow_the_language_of_the_request():
    day = datetime.date(2025, 8, 17)
    with translation.override("id"):
        assert day_month_year(day) == "17 Agu 2025"
        indonesian = sex_label("P")
    with translation.override("en"):
        assert day_month_year(day) == "17 Aug 2025"
        assert sex_label("P") == "Girl" != indonesian
