"""Fixtures shared by the simulator's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def lab_run(tmp_path_factory):
    """A tiny feedback-loop run through the notebook API (simulator/studies/lab.py), read by
    the API's tests and opened by the starter notebook's: two seeds, four days (two of them the
    launch phase), three arms."""
    pytest.importorskip("pandas", reason="the notebook extra (pandas) is not installed")
    from simulator.studies import lab

    return lab.run(lab.load("feedback_loop"), tmp_path_factory.mktemp("lab"), profiles=15,
                   days=4, titles=60, seeds=[1, 2],
                   arms=["popularity-daily", "popularity-explore", "random"])
