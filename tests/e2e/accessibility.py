"""Run axe-core (vendored) on the page in the browser against WCAG 2.1 A and AA."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page):
    """Each WCAG 2.1 AA violation on the page as 'rule: selector, ...'."""
    # evaluate() runs through DevTools, so the app's CSP (no inline script) stays on.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): " + ", ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in result["violations"]
    ]
