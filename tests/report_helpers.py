"""What the report tests share: the fixture corpus, the as-of day and one way to render."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reex_research import reports

FIXTURES = Path(__file__).parent / "fixtures"
REPORT_CORPUS = FIXTURES / "report_corpus"
FAILING_NOTEBOOKS = FIXTURES / "notebooks" / "failing"
AS_OF = dt.date(2026, 11, 23)
STEMS = ["01_overview", "02_themes", "03_actors", "04_timeline", "05_figures"]
RAW_SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
PAGE_LIMIT = 3 * 1024 * 1024


def render(corpus: Path, out: Path, cache: Path, **options) -> Path:
    """Render ``corpus`` as of :data:`AS_OF` into ``out`` with its own cache folder."""
    return reports.render_report(corpus=corpus, as_of=AS_OF, out=out, cache=cache, **options)
