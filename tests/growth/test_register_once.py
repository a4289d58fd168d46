"""A child registered at a posyandu session by a form sent twice (a double tap on a slow
phone, the browser's resend, the page in two tabs) is registered once: without a NIK nothing
else tells the two apart, and a copy would count twice in every figure (registered children,
the prevalence denominators). The second send shows the child registered the first time."""

import datetime

from django.urls import reverse

from kampungkb.growth.models import Child
from tests.conftest import KURNIA_JAYA
from tests.submit_twice import form_token, post_twice

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(posyandu, *, today) -> str:
    return reverse("growth:session_register", args=[posyandu.pk, today.isoformat()])


def _ani(today) -> dict:
    """The registration form of a three-month-old girl without a NIK."""
    return {
        "nama": "Ani Lestari",
        "jenis_kelamin": "P",
        "tanggal_lahir": (today - datetime.timedelta(days=90)).isoformat(),
        "nama_ibu": "Rina",
        "nik": "",
        "nik_ibu": "",
    }


def test_a_registration_sent_twice_by_htmx_registers_one_child(client, users, posyandu, today):
    child = _ani(today)
    client.force_login(users["desa"])
    first, again = post_twice(
        client,
        form_url=_url(posyandu, today=today),
        post_url=_url(posyandu, today=today),
        data=child,
        **HTMX,
    )
    assert (first.status_code, again.status_code) == (200, 200)
    kid = Child.objects.get()
    # The second answer is the measurement form of the child registered the first time.
    assert f"/{kid.pk}/" in again.content.decode()
    assert "Data ini sudah tersimpan" in again.content.decode()
    assert "Data ini sudah tersimpan" not in first.content.decode()


def test_a_registration_sent_twice_without_javascript_registers_one_child(
    client, users, posyandu, today
):
    child = _ani(today)
    client.force_login(users["desa"])
    first, again = post_twice(
        client,
        form_url=_url(posyandu, today=today),
        post_url=_url(posyandu, today=today),
        data=child,
    )
    kid = Child.objects.get()
    measure = reverse("growth:session_measure", args=[posyandu.pk, today.isoformat(), kid.pk])
    assert (first.status_code, first["Location"]) == (302, measure)
    assert (again.status_code, again["Location"]) == (302, measure)
    assert "Data ini sudah tersimpan" in client.get(measure).content.decode()


def test_a_registration_without_a_token_still_registers(client, users, posyandu, today):
    # A page rendered before the token existed: each send registers, as it always did.
    child = _ani(today)
    client.force_login(users["desa"])
    for _ in range(2):
        assert client.post(_url(posyandu, today=today), child, **HTMX).status_code == 200
    assert Child.objects.count() == 2


def test_a_registration_refused_keeps_its_token_for_the_corrected_send(
    client, users, posyandu, today
):
    child = _ani(today)
    client.force_login(users["desa"])
    first, _again = post_twice(
        client,
        form_url=_url(posyandu, today=today),
        post_url=_url(posyandu, today=today),
        data={**child, "nama": ""},
        **HTMX,
    )
    assert first.status_code == 400 and not Child.objects.exists()
    token = first.content.decode().split('name="submission_token" value="')[1].split('"')[0]
    fixed = {**child, "submission_token": token}
    assert client.post(_url(posyandu, today=today), fixed, **HTMX).status_code == 200
    assert client.post(_url(posyandu, today=today), fixed, **HTMX).status_code == 200
    assert Child.objects.count() == 1


def test_a_registration_with_a_nik_sent_twice_answers_with_the_child_not_nik_taken(
    client, users, posyandu, today
):
    # One after the other (a resend after a slow answer): the form's own NIK check ran before
    # the token was looked at, and refused the second send with 'NIK taken' for the user's
    # own child, where the same send without a NIK answers with the child.
    child = _ani(today)
    client.force_login(users["desa"])
    data = {**child, "nik": "3201011501240007"}
    first, again = post_twice(
        client,
        form_url=_url(posyandu, today=today),
        post_url=_url(posyandu, today=today),
        data=data,
        **HTMX,
    )
    assert (first.status_code, again.status_code) == (200, 200), again.content.decode()[-2000:]
    kid = Child.objects.get()
    assert f"/{kid.pk}/" in again.content.decode()
    assert "Data ini sudah tersimpan" in again.content.decode()


def test_a_registration_sent_twice_by_htmx_records_the_read_of_the_child_shown(
    client, users, posyandu, today
):
    # The second answer shows the child the first send registered (nothing is created, so no
    # CREATE entry covers it): one VIEW entry, as the same child's form opened without htmx.
    child = _ani(today)
    from kampungkb.core.models import AuditEntry

    client.force_login(users["desa"])
    first, again = post_twice(
        client,
        form_url=_url(posyandu, today=today),
        post_url=_url(posyandu, today=today),
        data=child,
        **HTMX,
    )
    assert (first.status_code, again.status_code) == (200, 200)
    kid = Child.objects.get()
    shown = AuditEntry.objects.filter(action="view", object_id=str(kid.pk))
    assert [e.changes for e in shown] == [{"page": "session_measure"}]


def test_a_token_of_another_form_is_no_earlier_send_of_the_registration(
    client, users, posyandu, today
):
    # The token of a cadre's form, saved, posted into a child's registration (a page's hidden
    # field edited): no child was registered with it, so the registration registers, and it
    # answers with the child, not with the cadre taken for one (which broke the page).
    child = _ani(today)
    from kampungkb.convergence.cadres.models import Cadre

    client.force_login(users["desa"])
    cadre_url = reverse("convergence:cadre_create")
    cadre = {"desa": KURNIA_JAYA, "nama": "Kader Sintetis", "peran": "kpm", "aktif": "on"}
    token = form_token(client, cadre_url)
    assert client.post(cadre_url, {**cadre, **token}).status_code == 302
    assert Cadre.objects.count() == 1
    response = client.post(_url(posyandu, today=today), {**child, **token}, **HTMX)
    assert response.status_code == 200
    kid = Child.objects.get()
    assert f"/{kid.pk}/" in response.content.decode()
    assert "Data ini sudah tersimpan" not in response.content.decode()
    # And the other way round: the registration's token is no earlier send of a cadre form.
    token = form_token(client, _url(posyandu, today=today))
    registered = client.post(
        _url(posyandu, today=today), {**child, "nama": "Budi", **token}, **HTMX
    )
    assert registered.status_code == 200
    assert client.post(cadre_url, {**cadre, "nama": "Kader Dua", **token}).status_code == 302
    assert Cadre.objects.filter(nama="Kader Dua").exists()
