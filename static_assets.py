"""Static files under versioned URLs, kept by browsers for a year.

Every `url_for('static', filename=...)` carries `?v=` and the start of the
file's SHA-256. A request naming the file's current version is answered with a
year's max-age, marked immutable, so a browser fetches the stylesheet, scripts
and icon once, not again on every page: with 500 candidates on one server,
that is three requests fewer for each page they turn. Any other request (a
script module's relative import, a page cached before a release) is answered
with no-cache and revalidated by its ETag, so no browser keeps a stale file:
a release that changes a file changes its version, and so its URL.
"""

import hashlib
import os
from stat import S_ISREG

from flask import current_app, request, send_from_directory
from werkzeug.security import safe_join

A_YEAR = 365 * 24 * 60 * 60
VERSION_LENGTH = 12

# (path, mtime, size) -> version; a file edited while the server runs gets a new one.
_versions = {}


def version_of(path):
    """The version of the file at `path`, or None when there is no such file
    (a folder, such as /static/css, is none either)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _versions:
        with open(path, "rb") as file:
            _versions[key] = hashlib.sha256(file.read()).hexdigest()[:VERSION_LENGTH]
    return _versions[key]


def _static_path(filename):
    return safe_join(current_app.static_folder, filename)


def _add_version(endpoint, values):
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    path = _static_path(values["filename"])
    version = path and version_of(path)
    if version:
        values["v"] = version


def _serve(filename):
    path = _static_path(filename)
    current = path is not None and request.args.get("v") == version_of(path)
    response = send_from_directory(current_app.static_folder, filename, max_age=A_YEAR if current else None)
    if current:
        response.cache_control.immutable = True
    return response


def init_static_assets(app):
    app.url_defaults(_add_version)
    app.view_functions["static"] = _serve
