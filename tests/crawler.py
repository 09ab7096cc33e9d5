"""The marker crawler: every page and download a signed-in client reaches from
a start page by same-site links, for tests that look for what must not be there."""

import html
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit


def crawl(client, start, limit=400, per_pattern=25):
    """[(path, status, text)] for every page reachable from `start` by links,
    form actions and script addresses (GET only), static files and sign-out
    left out; entities are decoded, so markers are matched as written. No
    answer may be a 5xx.

    At most `per_pattern` pages of one address pattern (numbers as N, the
    query's names without values) are visited: what a page shows is decided
    by its route, and 25 of a board's 247 candidates show what the 247 do,
    while the limit is kept for the routes that would otherwise go unvisited."""
    seen, queue, pages = {start}, [start], []
    patterns = Counter()
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
            pattern = (re.sub(r"\d+", "N", parts.path), tuple(sorted(parse_qs(parts.query))))
            if link not in seen and patterns[pattern] < per_pattern:
                seen.add(link)
                patterns[pattern] += 1
                queue.append(link)
    assert [(path, status) for path, status, _ in pages if status >= 500] == []
    return pages


def leaks(pages, markers):
    """(path, marker) for every marker found, case-insensitively, in a crawled page."""
    bodies = [(path, body.lower()) for path, _, body in pages]
    wanted = [(marker, marker.lower()) for marker in markers]
    return sorted({(path, marker) for path, body in bodies for marker, lowered in wanted if lowered in body})
