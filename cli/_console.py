"""The rich Console of every table riskgraph prints: user text cannot drive the terminal.

Imported only by :func:`riskgraph.cli.common.console` (rich loads when a table is printed, not
for ``--help``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from riskgraph.graph.text import terminal_text


class SafeConsole(Console):
    """Escapes control characters (``\\x1b`` ...) in strings before layout (so columns stay
    aligned) and, as a backstop, in the text of every rendered segment (``Text`` objects)."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(terminal_text(text), **kwargs)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for seg in super().render(renderable, options):
            if seg.control or not seg.text:
                yield seg
            else:
                safe = terminal_text(seg.text)
                yield seg if safe == seg.text else Segment(safe, seg.style, seg.control)
