"""The dashboard's pages, defined once: app.py builds the navigation from them, pages link with them.

A chart page's key is its category page in `charts.PAGE_CATEGORIES` (trade, security, …), so a
flag's chart link finds its page here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    key: str
    file: str
    title: str
    icon: str
    section: str  # the group a page belongs to; the navigation lists the pages in this order, without section headers (app.py)


ROUTES = (
    Route("overview", "views/overview.py", "Overview", ":material/home:", "Overview"),
    Route("trade", "views/trade.py", "Trade & energy", ":material/currency_exchange:", "Figures"),
    Route("security", "views/security.py", "Security & counter-terrorism", ":material/shield:", "Figures"),
    Route("military", "views/military.py", "Military & arms", ":material/military_tech:", "Figures"),
    Route("infrastructure", "views/infrastructure.py", "Infrastructure", ":material/train:", "Figures"),
    Route("other", "views/other.py", "Other figures", ":material/menu_book:", "Figures"),
    Route("timeline", "views/timeline.py", "Timeline", ":material/timeline:", "Figures"),
    Route("inconsistencies", "views/inconsistencies.py", "Inconsistencies", ":material/warning:", "Checks & sources"),
    Route("sources", "views/sources.py", "Sources", ":material/groups:", "Checks & sources"),
    Route("data", "views/data.py", "Data", ":material/table:", "Checks & sources"),
    Route("briefing", "views/briefing.py", "Briefing pack", ":material/inventory_2:", "Checks & sources"),
)
FILE = {r.key: r.file for r in ROUTES}
