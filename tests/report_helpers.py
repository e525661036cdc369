"""What the report tests share: the fixture corpus, the as-of day and one way to render."""

from __future__ import annotations

import datetime as dt
import re
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
_ELSEWHERE = r"""["']?\s*(?:https?:)?//"""  # an absolute or protocol-relative address
NETWORK_LOAD = re.compile(
    rf"<script\b[^>]*\bsrc\s*=\s*{_ELSEWHERE}|<link\b[^>]*\bhref\s*=\s*{_ELSEWHERE}"
    rf"|@import\s+{_ELSEWHERE}|url\(\s*{_ELSEWHERE}|\bimport\(\s*{_ELSEWHERE}",
    re.IGNORECASE,
)
"""What makes a browser fetch a script, style or font from another site (a link to one does not)."""


def render(corpus: Path, out: Path, cache: Path, **options) -> Path:
    """Render ``corpus`` as of :data:`AS_OF` into ``out`` with its own cache folder."""
    return reports.render_report(corpus=corpus, as_of=AS_OF, out=out, cache=cache, **options)


def network_loads(page: str) -> list[str]:
    """The places in ``page`` that load a script, style or font from the network."""
    return [match.group(0) for match in NETWORK_LOAD.finditer(page)]
