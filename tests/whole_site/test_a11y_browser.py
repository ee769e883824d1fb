"""Accessibility of the built sample in headless Chromium: axe-core, focus, link underlines.

axe-core comes from npm at the version ``tests/axe/package-lock.json`` pins
(``dev.py test`` runs ``npm ci`` there); it is injected into each page and run
in the real browser, in the light and the dark scheme, since the palette
follows ``prefers-color-scheme``. One build of the sample serves the module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

AXE_JS = REPO / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# one page of every kind a reader meets, on the sample knowledge base
PAGES = {
    "home": "",
    "runbook": "runbooks/vpn/cannot-connect/",
    "escalation": "escalation/",
    "playbooks": "playbooks/l1/",
    "system": "systems/vpn/",
    "incidents": "incidents/",
    "known issues": "known-issues/",
    "review": "review/",
    "search": "search/?q=vpn+drops",
}
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def served(sample_site: Path):
    from tests.browser import serve_folder

    base, server = serve_folder(sample_site)
    yield base
    server.shutdown()


@pytest.fixture
def visit(chromium, served: str):
    """``visit(path, color_scheme=…)`` → a page of the sample, loaded, with no web requests out."""
    contexts = []

    def open_(path: str, **options):
        context = chromium.new_context(viewport={"width": 1400, "height": 900}, **options)
        contexts.append(context)
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(served) else route.abort()
            ),
        )
        page = context.new_page()
        page.goto(served + path)
        if path.startswith("search/?q="):
            page.wait_for_function(
                "/document|No documents/.test("
                "document.getElementById('opskb-search-status').textContent)"
            )
        return page

    yield open_
    for context in contexts:
        context.close()


def _describe(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:8]:
        target = " ".join(str(part) for part in node["target"])
        lines.append(f"  at {target}: {node['html'][:160]}")
        for check in node.get("any", []) + node.get("all", []):
            data = check.get("data") or {}
            if isinstance(data, dict) and data.get("fgColor"):
                lines.append(
                    f"    contrast {data.get('contrastRatio')}:1, needs "
                    f"{data.get('expectedContrastRatio')}: {data['fgColor']} on "
                    f"{data.get('bgColor')}, {data.get('fontSize')} {data.get('fontWeight')}"
                )
            if check.get("message"):
                lines.append(f"    {check['message']}")
    if len(violation["nodes"]) > 8:
        lines.append(f"  … and {len(violation['nodes']) - 8} more nodes")
    return "\n".join(lines)


def run_axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is not installed at {AXE_JS.relative_to(REPO)}: "
            "run `npm ci` in tests/axe (or `python3 dev.py test`)"
        )
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_axe_violation(visit, name: str, scheme: str) -> None:
    page = visit(PAGES[name], color_scheme=scheme)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    violations = run_axe(page)
    assert not violations, f"{name} ({scheme}, {PAGES[name]}):\n" + "\n".join(
        _describe(v) for v in violations
    )


FOCUS_STYLE = """(el) => {
  const s = getComputedStyle(el);
  return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
                   ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : '',
          shadow: s.boxShadow === 'none' ? '' : s.boxShadow};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "search/"])
def test_every_input_shows_where_the_focus_is(visit, path: str, scheme: str) -> None:
    page = visit(path, color_scheme=scheme)
    inputs = page.locator(
        "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea"
    )
    checked = 0
    for index in range(inputs.count()):
        field = inputs.nth(index)
        if not field.is_visible():
            continue
        page.evaluate("document.activeElement && document.activeElement.blur()")
        before = field.evaluate(FOCUS_STYLE)
        field.focus()
        assert field.evaluate("el => el === document.activeElement")
        after = field.evaluate(FOCUS_STYLE)
        label = field.evaluate("el => el.outerHTML.slice(0, 120)")
        assert after["outline"] or after["shadow"], f"no focus ring on {path or 'home'}: {label}"
        assert after != before, f"focus looks like no focus on {path or 'home'}: {label}"
        checked += 1
    assert checked >= 2, f"expected the page's search inputs on {path or 'home'}"


TEXT_LINKS = """() => [...document.querySelectorAll(
  '.md-content .md-typeset :is(p, li, td, dd, blockquote) a[href]')]
  .filter(a => !a.closest('.md-typeset .headerlink, .opskb-chip, .md-button, svg')
               && !a.classList.contains('headerlink') && a.textContent.trim()
               && a.offsetParent !== null)
  .map(a => ({text: a.textContent.trim().slice(0, 60),
              line: getComputedStyle(a).textDecorationLine}))"""


@pytest.mark.parametrize(
    "path", ["", "runbooks/vpn/cannot-connect/", "known-issues/", "systems/vpn/", "review/"]
)
def test_links_in_running_text_are_underlined(visit, path: str) -> None:
    page = visit(path)
    links = page.evaluate(TEXT_LINKS)
    assert links, f"no links in the text of {path or 'home'}"
    plain = [link["text"] for link in links if "underline" not in link["line"]]
    assert not plain, f"links on {path or 'home'} told apart by colour only: {plain[:10]}"
