"""The README's layout table matches the tree: every folder it names exists, every subpackage
of ``riskgraph/_layout.py`` is a row with its package name, and every top-level folder of the
repository is in the table."""

from __future__ import annotations

import re
from pathlib import Path

from riskgraph._layout import SUBPACKAGES

REPO = Path(__file__).resolve().parent.parent
NOT_SOURCE = {"build", "dist"}  # build output, never committed


def layout_rows() -> list[tuple[list[str], str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("folder", "") or set(cells[0]) <= {"-"}:
            continue
        folders = re.findall(r"`([^`]+)/`", cells[0])
        assert folders, line
        rows.append((folders, cells[1].strip("`")))
    return rows


def test_every_folder_in_the_table_exists() -> None:
    for folders, _ in layout_rows():
        for f in folders:
            assert (REPO / f).is_dir(), f


def test_every_subpackage_is_a_row_with_its_package() -> None:
    packages = {folders[0]: package for folders, package in layout_rows() if package}
    want = {folder: f"riskgraph.{sub}" for sub, folder in SUBPACKAGES.items()}
    want["riskgraph"] = "riskgraph"
    assert packages == want


def test_every_top_level_folder_is_in_the_table() -> None:
    named = {f.split("/")[0] for folders, _ in layout_rows() for f in folders}
    top = {p.name for p in REPO.iterdir()
           if p.is_dir() and not p.name.startswith(".") and not p.name.endswith(".egg-info")
           and p.name not in NOT_SOURCE and any(p.rglob("*.*"))}
    assert top <= named, sorted(top - named)
