"""A rule every template keeps (axe-core `scrollable-region-focusable`, WCAG 2.1.1): a
wrapper that scrolls a wide table sideways can take the keyboard's focus. The browser test
(tests/e2e/test_accessibility.py) checks the rendered pages; this catches a new template
at once."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-responsive\b[^\"]*\"[^>]*>")


def test_every_scrolling_table_wrapper_is_focusable():
    missing = []
    for folder in ("templates", "services", "zone", "tenants"):
        for path in (ROOT / folder).rglob("*.html"):
            for tag in WRAPPER.findall(path.read_text(encoding="utf-8")):
                if 'tabindex="0"' not in tag:
                    missing.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not missing, "\n".join(missing)
