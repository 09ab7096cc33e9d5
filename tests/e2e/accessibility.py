"""Run axe-core (vendored) on the page in the browser against WCAG 2.1 A and AA."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Only violations are wanted: axe then skips working out selectors for every
# node that passes (its API guide's advice for performance), and only they
# cross back from the browser, not the whole result with every passing node.
RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(node => node.target)}));
}"""


def violations(page):
    """Each WCAG 2.1 AA violation on the page as 'rule: selector, ...'."""
    # evaluate() runs through DevTools, so the app's CSP (no inline script) stays on.
    page.evaluate(AXE_SOURCE)
    return [
        f"{v['id']} ({v['impact']}): " + ", ".join(" ".join(target) for target in v["targets"])
        for v in page.evaluate(RUN_AXE, WCAG_21_AA)
    ]
