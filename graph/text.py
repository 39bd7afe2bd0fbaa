"""User text on its way out: spreadsheet cells and terminal lines (SECURITY.md, docs/exports.md).

Names, aliases, citations and rationales come from files users get from others, so they may
hold what another program would act on:

* :func:`csv_cell` neutralises spreadsheet formulas in every CSV cell riskgraph writes (OWASP's
  rule for CSV injection: a cell whose first character, after blanks and quotes, is ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a spreadsheet shows it as
  text instead of evaluating it).  Plain numbers (``-0.5``, ``1e-3``) are left as they are.
  :func:`csv_uncell` undoes it exactly (``csv_uncell(csv_cell(s)) == s`` for every string).
* :func:`terminal_text` makes a string safe to print to a terminal: control characters (C0
  except newline, DEL, C1 such as the one-byte CSI ``U+009B``) and the Unicode bidirectional
  overrides become visible escapes (``\\x1b``, ``\\u202e``), so an escape sequence in a node name
  cannot recolour, retitle, clear or rewrite the user's terminal.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_SKIP = " '\""  # blanks and quotes a spreadsheet may drop before it looks for a formula
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

# Bidirectional embeddings, overrides and isolates: they reorder what the terminal shows.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
_CONTROL_NL = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "]")


def is_formula(s: str) -> bool:
    """Whether a spreadsheet could read ``s`` as a formula (see the module docstring)."""
    if _NUMBER.fullmatch(s):
        return False
    return s.lstrip(_SKIP)[:1] in FORMULA_TRIGGERS


def csv_cell(s: str) -> str:
    """``s`` as a CSV cell a spreadsheet will not evaluate: ``'`` before a formula."""
    return "'" + s if is_formula(s) else s


def csv_uncell(s: str) -> str:
    """The inverse of :func:`csv_cell` (for reading riskgraph's own CSV back)."""
    return s[1:] if s.startswith("'") and is_formula(s[1:]) else s


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def terminal_text(s: str, *, newlines: bool = True) -> str:
    """``s`` with control characters escaped (``\\x1b``); ``newlines=False`` escapes ``\\n``
    too (one-line messages)."""
    return (_CONTROL if newlines else _CONTROL_NL).sub(_escape, s)
