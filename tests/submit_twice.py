"""Send one create form twice, as a double tap or the browser's resend does: the page is
read once (with the hidden one-time token it renders, if any) and its form posted twice."""

import re

FIELD = "submission_token"


def form_token(client, url: str, *, prefix: str = "") -> dict:
    """The one-time token of the create form on the page at ``url`` (the form's ``prefix``,
    if it has one), as a form field; none when the page renders none."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    name = f"{prefix}-{FIELD}" if prefix else FIELD
    found = re.search(rf'name="{name}" value="([^"]+)"', page.content.decode())
    return {name: found[1]} if found else {}


def post_twice(client, *, form_url: str, post_url: str, data: dict, prefix: str = "", **extra):
    """Read the page at ``form_url`` (whole), post its form to ``post_url`` twice (with
    ``extra``: the htmx header, say); both responses."""
    data = {**data, **form_token(client, form_url, prefix=prefix)}
    return client.post(post_url, data, **extra), client.post(post_url, data, **extra)
