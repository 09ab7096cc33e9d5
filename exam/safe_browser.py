"""Safe Exam Browser (SEB): a session's .seb file, its Config Key, and the
check of the key SEB sends with every request, as Moodle's quizaccess_seb does.

SEB, started by opening the session's .seb file, locks the computer down and
opens the session's join page. With `sendBrowserExamKey` it adds to every
request the header X-SafeExamBrowser-ConfigKeyHash: the SHA-256 (hex) of the
request's absolute URL, without fragment, followed by the Config Key. The
Config Key is the SHA-256 (hex) of the file's settings written as SEB-JSON
(https://safeexambrowser.org/developer/seb-config-key.html). Only a browser
holding exactly these settings can compute it for each URL; another browser
may copy one request's header, but not the next one's.

The settings carry the session's absolute join URL, so the Config Key depends
on the address the site is reached at: the view passes the URLs it builds for
the request, which behind a proxy are the public ones (`PROXY_COUNT`).
"""

import base64
import hashlib
import hmac
import plistlib
from functools import lru_cache

from accounts.roles import Role
from exam.delivery import enrollment_for

HEADER = "X-SafeExamBrowser-ConfigKeyHash"
MEDIA_TYPE = "application/seb"
DOWNLOAD_URL = "https://safeexambrowser.org/download_en.html"


def settings(start_url, quit_url):
    """The SEB settings of a session: Moodle's defaults for a configuration
    made by hand (no URL filter, no quit password), with SEB's own defaults
    for the rest."""
    return {
        "startURL": start_url,
        # Reaching the candidate's home page (the link on the page after
        # submitting) quits SEB, after the candidate confirms.
        "quitURL": quit_url,
        "quitURLConfirm": True,
        "allowQuit": True,
        "sendBrowserExamKey": True,
        # The classic WebView for the exam's own host: SEB for macOS and iOS
        # send the header only from it ("Prefer Modern in New Tab+Different Host").
        "browserWindowWebView": 2,
        "allowPreferencesWindow": False,
        "browserWindowAllowReload": True,
        "showReloadButton": True,
        "showTaskBar": True,
        "showTime": True,
        "showInputLanguage": True,
        "allowWlan": False,
        "allowSpellCheck": False,
        "audioControlEnabled": False,
        "audioMute": False,
        "URLFilterEnable": False,
        "URLFilterEnableContentFilter": False,
        "URLFilterRules": [],
    }


def config_file(start_url, quit_url):
    """The .seb file: the settings as an unencrypted Apple property list."""
    return plistlib.dumps(settings(start_url, quit_url), fmt=plistlib.FMT_XML, sort_keys=True)


@lru_cache(maxsize=1024)
def config_key(start_url, quit_url):
    """The Config Key SEB computes from the session's .seb file. Cached: the state poll asks for it every few seconds."""
    return key_of(settings(start_url, quit_url))


def key_of(values):
    """The Config Key of SEB settings as read from a .seb file (plistlib's types)."""
    return hashlib.sha256(seb_json(values).encode()).hexdigest()


def seb_json(value):
    """SEB-JSON as SEB writes it: no whitespace, dictionary keys sorted without
    regard to case (a lower-case letter before its capital, as .NET's
    invariant culture orders them), `originatorVersion` and empty dictionaries
    left out, data as Base64, and no escaping but of double quotes."""
    if isinstance(value, dict):
        kept = {k: v for k, v in value.items() if k != "originatorVersion" and v != {}}
        ordered = sorted(kept, key=lambda k: (k.casefold(), k.swapcase()))
        return "{" + ",".join(f'"{k}":{seb_json(kept[k])}' for k in ordered) + "}"
    if isinstance(value, list):
        return "[" + ",".join(seb_json(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return '"' + base64.b64encode(value).decode() + '"'
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    raise TypeError(f"SEB settings hold no {type(value).__name__}")


def request_hash(url, key):
    """What SEB sends for a request to `url` with Config Key `key`."""
    return hashlib.sha256((url.split("#", 1)[0] + key).encode()).hexdigest()


def admits(session, url, sent, start_url, quit_url):
    """Whether a request to `url` carrying header value `sent` may go on: any
    browser, unless the session requires SEB with its own settings."""
    if not session.require_seb:
        return True
    expected = request_hash(url, config_key(start_url, quit_url))
    return hmac.compare_digest(expected.encode(), (sent or "").strip().lower().encode())


def may_download(session, user):
    """The .seb file is for the session's enrolled candidates, its proctors and admins."""
    if user.has_role(Role.ADMIN) or session.proctored_by(user.id):
        return True
    return user.has_role(Role.CANDIDATE) and enrollment_for(session, user.id) is not None
