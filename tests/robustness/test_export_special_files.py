"""Exports to special files (a symlink to stdout, a FIFO) write through, never replace them.

``atomic`` writes a temporary file beside the target and renames it over the target; a rename
over a special file (``/dev/stdout``, a FIFO, a symlink into /proc) would REPLACE it (as root,
``riskgraph export json /dev/stdout`` would replace the machine's ``/dev/stdout`` link).  So a
non-regular target is written through.  Shown on a symlink to the process's stdout made inside
a temporary folder (harmless).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RISKGRAPH = str(Path(sys.executable).parent / "riskgraph")


def test_export_to_a_stdout_link_does_not_replace_the_link(tmp_path: Path) -> None:
    link = tmp_path / "stdout"
    os.symlink("/proc/self/fd/1", link)
    r = subprocess.run([RISKGRAPH, "export", "json", str(link)], capture_output=True, text=True,
                       timeout=120, check=False)
    assert "Traceback" not in r.stderr
    assert link.is_symlink(), "the export replaced the special file with a regular file"
    if r.returncode == 0:
        assert r.stdout.lstrip().startswith("{")  # the JSON went through to stdout
    else:
        assert r.stderr.startswith("Error: ")
