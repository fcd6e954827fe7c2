"""The starter notebook (docs/notebooks/starter.ipynb) executes top to bottom through a real
Jupyter kernel, opening a tiny run made with the notebook API (tests/simulator/conftest.py);
skipped, with the reason, where no kernel can start."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat (test extra) is not installed")
nbclient = pytest.importorskip("nbclient", reason="nbclient (test extra) is not installed")
pytest.importorskip("pandas", reason="pandas (notebook extra) is not installed")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "starter.ipynb"


def test_starter_notebook_runs_top_to_bottom(lab_run, tmp_path, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "the notebook has one cell tagged 'parameters'"
    # A tiny run (conftest.py, made through the same API), so the test takes seconds.
    params[0].source = f"RUN_FOLDER = {str(lab_run.folder)!r}\n"
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own inline backend
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    with ExitStack() as stack:
        try:
            stack.enter_context(client.setup_kernel())
        except Exception as exc:  # noqa: BLE001 - no kernel here: say why and skip
            pytest.skip(f"a Jupyter kernel (ipykernel) could not start: {exc!r}")
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    outputs = {i: c.outputs for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    text = "\n".join(o.get("text", "") for out in outputs.values() for o in out)
    assert "Launch days identical in every arm: True" in text
    images = [o for out in outputs.values() for o in out if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the main figure and the small multiples
    tables = [o for out in outputs.values() for o in out if "text/html" in o.get("data", {})]
    assert any("gini_plays" in t["data"]["text/html"] for t in tables)
