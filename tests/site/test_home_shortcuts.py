"""The home page leads each user to their daily work."""

from django.urls import reverse

from tests.conftest import KURNIA_JAYA, MANGGAR


def test_a_kader_finds_the_posyandu_session_on_the_home_page(client, make_user):
    """A kader's work starts with a posyandu session; the home page did not lead there (it
    was in the menu only, folded away on a phone). Roles that change nothing get no link."""
    for role, kode in (("operator_desa", KURNIA_JAYA), ("operator_kecamatan", MANGGAR)):
        client.force_login(make_user(role, kode))
        home = client.get(reverse("site:home")).content.decode()
        link = home.split('data-testid="home-session"')[0].rsplit("<a", 1)[1]
        assert reverse("growth:session_start") in link, role
    client.force_login(make_user("viewer", MANGGAR))
    assert 'data-testid="home-session"' not in client.get(reverse("site:home")).content.decode()
