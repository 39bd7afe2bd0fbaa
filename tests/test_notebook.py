"""The shipped example notebook (examples/notebook.ipynb) runs in a real Jupyter kernel
(nbclient + ipykernel) and shows what it says."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.notebook

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "notebook.ipynb"


def _text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    data = output.get("data", {})
    return str(data.get("text/plain", "")) + str(data.get("text/html", ""))


def test_example_notebook_runs_and_shows_the_results(tmp_path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        "ship the notebook without outputs"
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    outs = ["\n".join(_text(o) for o in c.outputs) for c in code]
    for c in code:
        assert not [o for o in c.outputs if o.get("output_type") == "error"], c.source
    joined = "\n".join(outs)
    assert "nodes," in outs[0] and "edges" in outs[0]
    assert "<ShockResult gallium -50% (iim, downstream)" in outs[1]
    assert "Gallium -> GaAs RF devices and VCSELs" in outs[2]  # to_frame main paths
    assert "labs" in outs[3] and "OpenAI" in joined
    assert "Gallium -> " in outs[4] and " -> OpenAI" in outs[4]  # r.paths("OpenAI")
    assert "weight[" in outs[5] and "derivative" in outs[5]  # the sensitivity ranking
    assert "--set " in outs[6]
    assert "ASML" in outs[7]  # rg.show("TSMC")'s suppliers
    assert "gallium-report.html True" in outs[8]
    assert (tmp_path / "gallium-report.html").stat().st_size > 100_000
