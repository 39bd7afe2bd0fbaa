"""An export gets the file mode a plain open() would give (mkstemp's 0600 is not kept)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from riskgraph.export.atomic import write_text


def test_export_mode_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "out.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o644
    assert (tmp_path / "out.json").read_text() == "{}"
