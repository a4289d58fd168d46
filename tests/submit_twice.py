"""Send one create form twice, as a double tap or the browser's resend does: the page is
read once (with the hidden one-time token it renders, if any) and its form posted twice."""

import re

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def form_token(client, url: str, **extra) -> dict:
    """The one-time token of the create form on the page at ``url``, as a form field."""
    page = client.get(url, **extra)
    assert page.status_code == 200, page.status_code
    found = TOKEN.search(page.content.decode())
    return {"submission_token": found[1]} if found else {}


def post_twice(client, *, form_url: str, post_url: str, data: dict, **extra):
    """Read the form at ``form_url``, post it to ``post_url`` twice; both responses."""
    data = {**data, **form_token(client, form_url, **extra)}
    return client.post(post_url, data, **extra), client.post(post_url, data, **extra)
