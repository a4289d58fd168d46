import re

import pytest
from django.conf import settings
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.loading import wilayah_load
from kampungkb.wilayah.models import KampungKB, Wilayah
from tests import factories
from tests.conftest import KURNIA_JAYA, LALANG_JAYA, MANGGAR


def _formset_data(prefix, rows, total=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _post_data(**profile):
    data = {
        "desa": LALANG_JAYA,
        "nama": "Kampung KB Lalang Jaya",
        "tanggal_pencanangan": "",
        "sk_nomor": "",
        "sk_tanggal": "",
        "catatan": "",
        **profile,
    }
    data.update(
        _formset_data(
            "pokja",
            [{"nama": "Budi", "jabatan": "ketua", "seksi": "", "telepon": "081299"}, {}],
            total=2,
        )
    )
    data.update(
        _formset_data(
            "groups",
            [{"jenis": "bkb", "aktif": "on", "tanggal_mulai": "2021-03-01"}, {"jenis": "bkr"}],
        )
    )
    data.update(_formset_data("partners", [{}], total=1))
    data.update(_formset_data("funding", [{"sumber": "apbd", "keterangan": "DKPPKB"}]))
    return data


def test_kecamatan_operator_registers_a_kampung_kb_through_the_form(client, users):
    client.force_login(users["kecamatan"])
    response = client.post(reverse("wilayah:kampung_kb_create"), _post_data())
    kampung = KampungKB.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wilayah:kampung_kb_detail", args=[kampung.pk])
    assert kampung.pokja_members.count() == 1  # the blank extra row is ignored
    assert kampung.groups.get(jenis="bkb").tanggal_mulai.isoformat() == "2021-03-01"
    assert kampung.funding.get().sumber == "apbd"


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"nama": ""}, "Bidang ini tidak boleh kosong."),
        ({"tanggal_pencanangan": "2999-01-01"}, "Tanggal tidak boleh di masa depan."),
        ({"sk_tanggal": "2020-01-01"}, "Isi nomor SK untuk tanggal SK ini."),
        ({"pokja-0-telepon": "bukan-nomor"}, "Isi nomor telepon berupa angka."),
        ({"pokja-0-jabatan": "koordinator_seksi"}, "Koordinator seksi harus memiliki seksi."),
        (
            {"groups-1-tanggal_mulai": "2020-01-01"},
            "Hanya kelompok yang aktif yang memiliki tanggal mulai.",
        ),
        ({"tanggal_pencanangan": "31/02/2020"}, "Masukkan tanggal yang valid."),
        # A row's choice left empty: the reason beside it, not only "correct the errors below".
        ({"pokja-0-jabatan": ""}, "Bidang ini tidak boleh kosong."),
        ({"partners-0-nama": "Karang Taruna"}, "Bidang ini tidak boleh kosong."),
        ({"funding-0-sumber": ""}, "Bidang ini tidak boleh kosong."),
        ({"funding-0-keterangan": "x" * 201}, "Pastikan nilai ini mengandung paling banyak 200"),
    ],
)
def test_invalid_form_shows_the_error_in_bahasa_indonesia_and_saves_nothing(
    client, users, change, field_message
):
    client.force_login(users["admin"])
    response = client.post(reverse("wilayah:kampung_kb_create"), {**_post_data(), **change})
    assert response.status_code == 400
    body = response.content.decode()
    assert field_message in body
    assert "Perbaiki kesalahan di bawah ini" in body
    assert not KampungKB.objects.exists()
    assert not AuditEntry.objects.filter(object_type="wilayah.kampungkb").exists()


def test_desa_outside_the_operators_area_is_not_a_valid_choice(client, users):
    client.force_login(users["kecamatan"])
    response = client.post(reverse("wilayah:kampung_kb_create"), _post_data(desa="19.06.02.2010"))
    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not KampungKB.objects.exists()


def test_second_kampung_kb_on_the_same_desa_is_refused_at_the_field(client, users, make_kampung):
    make_kampung(KURNIA_JAYA)
    client.force_login(users["admin"])
    response = client.post(reverse("wilayah:kampung_kb_create"), _post_data(desa=KURNIA_JAYA))
    assert response.status_code == 400
    assert KampungKB.objects.count() == 1


def test_edit_form_shows_the_current_values_and_saves_changes(client, users, make_kampung):
    kampung = make_kampung(KURNIA_JAYA)
    client.force_login(users["desa"])
    url = reverse("wilayah:kampung_kb_edit", args=[kampung.pk])
    page = client.get(url).content.decode()
    assert "Contoh Ketua" in page and 'value="Kampung KB Kurnia Jaya"' in page
    response = client.post(url, _post_data(desa=KURNIA_JAYA, nama="KKB Kurnia Jaya Baru"))
    assert response.status_code == 302
    kampung.refresh_from_db()
    assert kampung.nama == "KKB Kurnia Jaya Baru"
    assert [m.nama for m in kampung.pokja_members.all()] == ["Budi"]


def test_maturity_form_records_a_level_or_explains_the_error(client, users, make_kampung):
    kampung = make_kampung(KURNIA_JAYA)
    client.force_login(users["kecamatan"])
    url = reverse("wilayah:maturity_add", args=[kampung.pk])
    bad = client.post(url, {"tingkat": "mandiri", "tanggal": "", "sumber": ""})
    assert bad.status_code == 400 and "Bidang ini tidak boleh kosong." in bad.content.decode()
    ok = client.post(url, {"tingkat": "mandiri", "tanggal": "2024-12-01", "sumber": "BKKBN"})
    assert ok.status_code == 302
    assert kampung.current_maturity.tingkat == "mandiri"


def test_pokja_names_are_shown_to_operators_and_hidden_from_mitra_and_viewer(
    client, users, make_kampung
):
    kampung = make_kampung(KURNIA_JAYA)
    url = reverse("wilayah:kampung_kb_detail", args=[kampung.pk])
    client.force_login(users["desa"])
    assert "Contoh Ketua" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(action="view", actor=users["desa"]).count() == 1
    for who in ("mitra", "viewer"):
        client.force_login(users[who])
        body = client.get(url).content.decode()
        assert "Contoh Ketua" not in body and "081234567" not in body
        assert "1 anggota Pokja tercatat" in body


def test_wilayah_list_of_the_manggar_operator_shows_its_nine_desa(client, users, make_kampung):
    make_kampung(KURNIA_JAYA)
    client.force_login(users["kecamatan"])
    body = client.get(reverse("wilayah:list")).content.decode()
    assert body.count('data-testid="desa-row"') == 9
    assert f'data-testid="kecamatan-{MANGGAR}"' in body
    assert "Gantung" not in body


def test_a_desa_operator_s_wilayah_list_names_its_kecamatan_without_a_link_to_a_404(client, users):
    client.force_login(users["desa"])
    body = client.get(reverse("wilayah:list")).content.decode()
    assert "Kecamatan Manggar" in body
    assert client.get(reverse("wilayah:detail", args=[MANGGAR])).status_code == 404
    assert reverse("wilayah:detail", args=[MANGGAR]) not in body
    assert reverse("wilayah:detail", args=[KURNIA_JAYA]) in body
    client.force_login(users["kecamatan"])
    body = client.get(reverse("wilayah:list")).content.decode()
    assert reverse("wilayah:detail", args=[MANGGAR]) in body


def test_map_spec_draws_only_the_users_desa_coloured_by_status(client, users, make_kampung):
    make_kampung(KURNIA_JAYA)
    client.force_login(users["kecamatan"])
    spec = client.get(reverse("wilayah:map_spec")).json()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    desa_layer, kecamatan_layer = spec["layer"]
    features = desa_layer["data"]["values"]
    assert len(features) == 9
    status = {f["properties"]["nama"]: f["properties"]["status"] for f in features}
    assert status["Kurnia Jaya"] == "Kampung KB"
    assert status["Lalang Jaya"] == "Belum Kampung KB"
    assert [f["properties"]["kode"] for f in kecamatan_layer["data"]["values"]] == [MANGGAR]
    # Offline: the spec embeds its data; nothing is fetched from a URL or tile server.
    assert "url" not in desa_layer["data"] and "url" not in kecamatan_layer["data"]


def test_indonesian_is_served_even_to_an_english_browser(client, users):
    client.force_login(users["admin"])
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Beranda" in body


def test_english_can_be_selected(client, users):
    client.force_login(users["admin"])
    assert "Beranda" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Home" in body and "Beranda" not in body


def _kampung_kb_cells(body: str) -> list[str]:
    """The last cell (Kampung KB / desa) of each child row of a wilayah page."""
    rows = re.findall(r'data-testid="child-row">(.*?)</tr>', body, re.S)
    return [re.findall(r"<td>(.*?)</td>", row, re.S)[-1].strip() for row in rows]


def test_the_provinsi_page_counts_the_desa_and_kampung_kb_of_each_kabupaten(
    client, beltim, make_kampung
):
    """A province installation: a kabupaten's desa lie under its kecamatan, not directly
    under it, and the provinsi page counted none ("0 / 0" for every kabupaten)."""
    wilayah_load(folder=settings.KAMPUNGKB_PROVINCE_WILAYAH, kabupaten="19.01")
    make_kampung(KURNIA_JAYA)
    make_kampung(LALANG_JAYA)
    make_kampung("19.01.01.1001")
    client.force_login(factories.admin_provinsi())
    body = client.get(reverse("wilayah:detail", args=["19"])).content.decode()
    n_desa = {k: Wilayah.objects.desa().within(k).count() for k in ("19.01", "19.06")}
    assert _kampung_kb_cells(body) == [f"1 / {n_desa['19.01']}", f"2 / {n_desa['19.06']}"]
    # The kabupaten page (its kecamatan) counts as before.
    body = client.get(reverse("wilayah:detail", args=["19.06"])).content.decode()
    assert f"2 / {Wilayah.objects.desa().within(MANGGAR).count()}" in _kampung_kb_cells(body)


def _as_a_browser_submits(html: str) -> dict:
    """The fields a browser sends for a page's form when nothing is typed: inputs with their
    value, a select's selected option or else its first one, checkboxes only when checked
    (the page's other small forms add fields the view ignores)."""
    data = {}
    for tag in re.finditer(r"<input\b[^>]*>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(0)))
        kind = attrs.get("type", "text")
        if "name" not in attrs or kind in ("submit", "button"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in tag.group(0):
            continue
        data[attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
    for name in re.findall(r'<textarea[^>]*name="([^"]+)"', html):
        data[name] = ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        values = re.findall(r'<option value="([^"]*)"( selected)?', options)
        chosen = [v for v, selected in values if selected]
        data[name] = (chosen or [v for v, _ in values])[0]
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_the_blank_rows_of_the_form_as_a_browser_sends_them_are_left_out(client, users):
    """A browser sends a select's first option: the untouched extra Pokja, partner and
    funding rows were taken as filled in, refused for their empty names, and the funding
    row saved an "APBN / BKKBN" source nobody chose."""
    client.force_login(users["kecamatan"])
    url = reverse("wilayah:kampung_kb_create")
    data = _as_a_browser_submits(client.get(url).content.decode())
    assert {"pokja-1-jabatan", "partners-0-jenis", "funding-0-sumber"} <= data.keys()
    data.update(
        {
            "desa": LALANG_JAYA,
            "nama": "Kampung KB Lalang Jaya",
            "pokja-0-nama": "Budi",
            "pokja-0-jabatan": "ketua",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    kampung = KampungKB.objects.get()
    assert list(kampung.pokja_members.values_list("nama", flat=True)) == ["Budi"]
    assert not kampung.partners.exists()
    assert not kampung.funding.exists()
    # Saving the edit page unchanged adds no row either.
    edit = reverse("wilayah:kampung_kb_edit", args=[kampung.pk])
    data = _as_a_browser_submits(client.get(edit).content.decode())
    assert client.post(edit, data).status_code == 302
    assert kampung.pokja_members.count() == 1
    assert not kampung.funding.exists()


def test_a_group_type_sent_twice_is_refused_with_a_message_not_a_conflict(client, users):
    # The type of each group row is a hidden field: one edited to repeat another type is
    # refused with a message, and nothing is saved (the database's one-row-per-type
    # constraint refused the save, answered as a conflict with another user's write).
    client.force_login(users["kecamatan"])
    data = {**_post_data(), "groups-1-jenis": "bkb", "groups-1-aktif": "on"}
    response = client.post(reverse("wilayah:kampung_kb_create"), data)
    assert response.status_code == 400
    assert "Setiap jenis kelompok kegiatan hanya boleh diisi sekali." in response.content.decode()
    assert not KampungKB.objects.exists()


def test_the_edit_form_shows_the_pokja_and_records_the_read_as_the_page_does(
    client, users, make_kampung
):
    kampung = make_kampung(KURNIA_JAYA)
    client.force_login(users["desa"])
    url = reverse("wilayah:kampung_kb_edit", args=[kampung.pk])
    assert "Contoh Ketua" in client.get(url).content.decode()
    # Refused and shown again, as the operator filled it in (the Pokja sent back with it).
    refused = client.post(url, _post_data(desa=KURNIA_JAYA, nama=""))
    assert refused.status_code == 400 and "Budi" in refused.content.decode()
    entries = AuditEntry.objects.filter(action="view", actor=users["desa"])
    assert [(e.object_type, e.object_id, e.wilayah_kode) for e in entries] == [
        ("wilayah.kampungkb", str(kampung.pk), KURNIA_JAYA)
    ] * 2
