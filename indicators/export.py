"""Downloads for briefings, in one place for the pages and the CLI: they export the same bytes.

- `sheets`: chart data as CSV and XLSX (formula cells neutralised), the citation of a chart;
- `render`: PNG, SVG and PDF through one kept Chromium (Debian's, never a downloaded one);
- `briefing`: the briefing pack (images, deck.pptx, data.xlsx, a README with citations and flags);
- `deck`: a PowerPoint deck, each chart native and editable, sources and findings in its notes.
"""

from __future__ import annotations

from .briefing import PACK_PNG_SCALE, briefing_pack  # noqa: F401
from .deck import MIME as PPTX_MIME, deck_bytes  # noqa: F401
from .render import (  # noqa: F401
    IMAGE_FORMATS,
    INSTALL_HINT,
    RENDER_TIMEOUT,
    START_TIMEOUT,
    ImageExportUnavailable,
    _shutdown,
    figure_bytes,
    image_support,
)
from .sheets import (  # noqa: F401
    BOM,
    DATA_COLUMNS,
    FLAG_COLUMNS,
    RANKING_DATA_COLUMNS,
    SOURCE_COLUMNS,
    chart_flags,
    chart_sheets,
    cite_chart,
    neutralise,
    sheet_name,
    to_csv_bytes,
    to_xlsx_bytes,
)
