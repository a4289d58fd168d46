"""The home page's headline figures read like the other pages' (``core.rounding``)."""

from django.urls import reverse

from kampungkb.wilayah.models import Wilayah
from tests.conftest import MANGGAR


def test_the_home_page_rounds_the_kampung_kb_coverage_like_the_district_target_page(
    client, make_user, make_kampung
):
    # Manggar has 9 desa; one Kampung KB covers 11,1 % of them. The home page once read
    # "11%" (no decimal) beside the target page's "11,1%".
    desa = Wilayah.objects.filter(parent_id=MANGGAR).order_by("kode")
    assert desa.count() == 9
    make_kampung(desa[0].kode)
    client.force_login(make_user("operator_kecamatan", MANGGAR))
    home = client.get(reverse("site:home")).content.decode()
    target = client.get(reverse("convergence:target")).content.decode()
    assert ">11,1%<" in home
    assert "(11,1%)" in target
