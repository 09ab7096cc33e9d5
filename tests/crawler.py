"""The marker crawler: every page and download a signed-in client reaches from
a start page by same-site links, for tests that look for what must not be there."""

import html
import re
from urllib.parse import urlsplit


def crawl(client, start, limit=400):
    """[(path, status, text)] for every page reachable from `start` by links,
    form actions and script addresses (GET only), static files and sign-out
    left out; entities are decoded, so markers are matched as written. No
    answer may be a 5xx."""
    seen, queue, pages = {start}, [start], []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        response = client.get(path)
        body = html.unescape(response.get_data().decode("utf-8", "replace"))
        response.close()
        pages.append((path, response.status_code, body))
        targets = re.findall(r'(?:href|action|data-url)="([^"#]*)', body)
        if response.status_code in (301, 302, 303):
            targets.append(response.headers["Location"])
        for target in targets:
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(("/static/", "/sign-out")):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert [(path, status) for path, status, _ in pages if status >= 500] == []
    return pages


def leaks(pages, markers):
    """(path, marker) for every marker found, case-insensitively, in a crawled page."""
    bodies = [(path, body.lower()) for path, _, body in pages]
    wanted = [(marker, marker.lower()) for marker in markers]
    return sorted({(path, marker) for path, body in bodies for marker, lowered in wanted if lowered in body})
