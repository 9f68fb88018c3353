"""Pages everyone can use, checked in a real browser: axe-core's WCAG 2.x A/AA and best-practice rules on
every page (the figure pages with their chart drawn and with the Table and Sources tabs open, the Data
page's tabs) at 1400 and 1024 px, with no serious or critical violation; and the chart pages operable by
keyboard alone (the chart picker, the Chart | Table | Sources tabs, the download buttons).

axe-core is the axe.min.js that the PyPI package `axe-playwright-python` ships (requirements-dev.txt),
injected into the page by Playwright: nothing is fetched at run time.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page, expect

from views._plotly import DESCRIBED
from views.routes import ROUTES

from .test_browser import CHART, assert_no_exception, chart_text, first_chart, open_app, settle, wait_for_charts

pytestmark = pytest.mark.e2e

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = ("serious", "critical")
FAILING_RULES = ("heading-order",)  # moderate in axe-core, failed on too: headings in order (h1, then h2, …)
SHOWN_TARGETS = 4

FIGURE_PAGES = [r.key for r in ROUTES if r.section == "Figures" and r.key != "timeline"]
# The tabs opened after the first state (a figure page's chart, the timeline's chart, the Data page's table).
TABS = {**{key: ["Table", "Sources"] for key in FIGURE_PAGES}, "timeline": ["Events table"],
        "data": ["Upload", "History"]}
CHART_PAGES = [*FIGURE_PAGES, "timeline"]


def path_of(key: str) -> str:
    return "/" if key == "overview" else f"/{key}"


# The page's whole height: Streamlit scrolls its main area, not the window, and axe-core checks the colour
# contrast only of text it can see on screen, so the viewport is made as tall as the page before each run.
_PAGE_HEIGHT = """() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]
                                   .map(e => e.scrollHeight), 0)"""
MAX_HEIGHT = 40_000


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the whole page as it is now (injected once per document)."""
    width = page.viewport_size["width"]
    for _ in range(3):  # a taller window can lay the page out taller still (a chart's column is as tall as it)
        height = min(MAX_HEIGHT, max(1000, page.evaluate(_PAGE_HEIGHT)))
        if height == page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(200)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_SCRIPT)
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES]


def describe(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} axe-core violation(s) that fail the test"]
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:SHOWN_TARGETS]]
        more = f" (+{len(v['nodes']) - SHOWN_TARGETS} more)" if len(v["nodes"]) > SHOWN_TARGETS else ""
        first = " ".join(v["nodes"][0]["html"].split())[:160]
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}\n"
                     f"    {'; '.join(targets)}{more}\n    first: {first}\n    {v['helpUrl']}")
    return "\n".join(lines)


# The open tab's panel holds an element: a lazy tab's content has arrived (its rerun is done or under way).
_PANEL_FILLED = """() => [...document.querySelectorAll('[data-testid=stTabPanel]')]
    .some(p => p.checkVisibility() && p.querySelector('.element-container'))"""


def open_tab(page: Page, name: str) -> None:
    """Open a tab by clicking it and wait until its content is there and the app is idle (the chart pages'
    tabs are lazy: a rerun sends the tab's content; the Data page's are not)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    page.wait_for_function(_PANEL_FILLED, polling=100)
    settle(page)


@pytest.mark.parametrize("width", [1400, 1024])
@pytest.mark.parametrize("key", [r.key for r in ROUTES])
def test_every_page_passes_axe_core_without_serious_or_critical_violations(page: Page, server, key, width):
    page.set_viewport_size({"width": width, "height": 1000})
    path = path_of(key)
    open_app(page, server, path)
    if key in CHART_PAGES:
        wait_for_charts(page)
    found = {path: serious(axe_violations(page))}
    for name in TABS.get(key, []):
        open_tab(page, name)
        assert_no_exception(page, f"{path} ({name})")
        found[f"{path} ({name} tab)"] = serious(axe_violations(page))
    failures = [describe(f"{where} at {width} px", v) for where, v in found.items() if v]
    assert not failures, "\n\n".join(failures)


# --------------------------------------------------------------------------- keyboard

def tab_until(page: Page, matches: str, limit: int = 80) -> dict:
    """Press Tab until the focused element matches the JS predicate `matches(el)`; returns what is focused."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(f"""() => {{ const el = document.activeElement; const m = {matches};
            return {{hit: !!(el && m(el)), text: (el && (el.innerText || el.getAttribute('aria-label') || '')).trim(),
                     role: el && el.getAttribute('role'), tag: el && el.tagName}}; }}""")
        if focused["hit"]:
            return focused
    raise AssertionError(f"{limit} presses of Tab never reached an element matching {matches}")


def visible_focus(page: Page) -> bool:
    """The focused element shows it has the focus: an outline or a box shadow (a focus ring)."""
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
        return outline || (s.boxShadow && s.boxShadow !== 'none'); }""")


def test_a_chart_page_is_operable_by_keyboard_alone(page: Page, server):
    open_app(page, server, "/security")
    wait_for_charts(page)
    first = chart_text(first_chart(page))

    # Tab from the page's start reaches the chart picker; the arrow keys move between its charts and
    # Enter picks the one focused: the chart drawn changes.
    picked = tab_until(page, "el => !!el.closest('[data-testid=stButtonGroup]')")
    assert visible_focus(page), f"the picker's focused option shows no focus: {picked}"
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("() => document.activeElement.innerText.trim()")
    assert focused and focused != picked["text"], (picked, focused)
    page.keyboard.press("Enter")
    drawn = chart_text(first_chart(page), focused[:20])  # once the rerun has drawn the picked chart
    settle(page)
    assert focused[:20] in drawn and drawn != first, (focused, drawn[:200])
    assert page.locator(CHART).count() == 1

    # Tab reaches the Chart | Table | Sources tabs; the arrow keys move to the Table, Enter opens it (the
    # arrow keys may already have: the tabs follow the focus).
    tab_until(page, "el => el.getAttribute('role') === 'tab'")
    assert visible_focus(page), "the focused tab shows no focus"
    for _ in range(3):
        if page.evaluate("() => document.activeElement.innerText.trim()") == "Table":
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.innerText.trim()") == "Table"
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name="Table", exact=True)).to_have_attribute("aria-selected", "true")
    expect(page.locator("[data-testid=stDataFrame]")).to_have_count(1)  # the table, sent by the rerun
    settle(page)

    # Tab reaches a download button, which shows that it has the focus.
    focused = tab_until(page, "el => !!el.closest('[data-testid=stDownloadButton]')")
    assert focused["text"] in {"PNG", "SVG", "PDF", "CSV", "XLSX"}, focused
    assert visible_focus(page), f"the focused download button shows no focus: {focused}"


# --------------------------------------------------------------------------- the chart in words

def test_a_chart_is_a_named_image_described_in_words(page: Page, server):
    open_app(page, server, "/trade")
    wait_for_charts(page)
    chart = first_chart(page)
    title = chart.locator(CHART).get_attribute("aria-label")
    assert title and title != "chart", title
    figure = chart.get_by_role("figure", name=title, exact=True)
    expect(figure).to_have_count(1)
    image = figure.get_by_role("img", name=title, exact=True)
    expect(image).to_have_count(1)
    described = chart.locator("[data-testid=stExpander] summary", has_text=DESCRIBED)
    expect(described).to_have_count(1)
    described.focus()
    page.keyboard.press("Enter")  # opened by keyboard
    shown = chart.locator("[data-testid=stExpanderDetails]").inner_text().strip()
    assert len(shown) > len(title) + 40, f"the description says little more than the title: {shown!r}"
    # indicators.describe's words, the same as the slide's and the exported images' alt text
    assert shown.startswith("What is measured: China–Russia bilateral trade, in US$ billion."), shown[:200]
    assert "which matches Russia’s statistics ($63.55bn)" in shown and "The largest gap" in shown
    expect(image).to_have_accessible_description(" ".join(shown.split()))
    # The modebar's buttons stay reachable inside the figure (not hidden inside an image).
    expect(figure.get_by_role("button", name="Download plot as a PNG")).to_have_count(1)
