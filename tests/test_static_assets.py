"""Static files: versioned URLs kept for a year, anything else revalidated."""

import re

import pytest

from static_assets import version_of


@pytest.fixture
def stylesheet_url(client):
    page = client.get("/sign-in").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_a_page_links_its_stylesheet_under_the_files_version(app, stylesheet_url):
    path, version = stylesheet_url.split("?v=")

    assert path == "/static/css/attest.css"
    assert version == version_of(f"{app.static_folder}/css/attest.css")


def test_the_current_version_is_kept_for_a_year_and_never_revalidated(client, stylesheet_url):
    response = client.get(stylesheet_url)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    response.close()


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"], ids=["no version", "an old version"])
def test_any_other_request_for_the_file_is_revalidated_every_time(client, query):
    """A script module's relative import carries no version, and a page
    cached before a release names the old one: neither may be kept."""
    response = client.get(f"/static/js/countdown.js{query}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]
    response.close()


def test_a_file_outside_the_static_folder_a_folder_or_no_file_is_not_found(client):
    assert client.get("/static/../app.py?v=1").status_code == 404
    assert client.get("/static/no-such.css").status_code == 404
    assert client.get("/static/css").status_code == 404
    assert client.get("/static/css?v=1").status_code == 404


def test_a_changed_file_gets_another_version(tmp_path):
    path = tmp_path / "attest.css"
    path.write_text("main { color: black; }")
    before = version_of(str(path))

    path.write_text("main { color: navy; }")

    assert version_of(str(path)) != before
    assert len(before) == 12
    assert version_of(str(tmp_path / "missing.css")) is None
