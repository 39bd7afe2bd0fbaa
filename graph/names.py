"""Name normalisation: the one matching key every lookup and loader uses, and id slugs.

Matching is case-insensitive and accent-insensitive on whole names after whitespace is
collapsed ("Ga", "Gallium", "gallium" and the German "Gallium" are one key); nothing is fuzzy.
"""

from __future__ import annotations

import unicodedata


def norm(name: str) -> str:
    """Matching key: NFKD without combining marks, casefolded, whitespace collapsed."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.casefold().split())


def slugify(name: str) -> str:
    """``"SK hynix"`` -> ``"sk-hynix"``; used for ids of entities not in the registry."""
    s = norm(name)
    out = []
    for ch in s:
        out.append(ch if ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)
