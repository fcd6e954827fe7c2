"""The glossary covers every number the pages show, and docs/glossary.md is written from it."""

from __future__ import annotations

from pathlib import Path

from simulator.studies.compare import NEEDS_ARM
from simulator.studies.glossary import (
    BETTER,
    COLDSTART_METRICS,
    GLOSSARY,
    READING,
    SECTIONS,
    markdown,
    missing,
)
from simulator.studies.metrics import METRICS
from simulator.studies.model_metrics import MODEL_METRICS

DOC = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def test_every_metric_the_pages_show_has_a_full_entry():
    """METRICS (the run page's tables, its paired table and charts, the report) and the model
    metrics (the report's model table): a metric added without an entry fails here."""
    assert missing() == []
    assert missing(("a_new_metric",)) == ["a_new_metric"]  # the check itself works
    for key in (*METRICS, *MODEL_METRICS, *COLDSTART_METRICS):
        e = GLOSSARY[key]
        assert e.definition and e.unit and e.computed and e.label != key, key
        assert e.better in BETTER, key
        assert e.definition in e.hover and e.direction in e.hover
    # Metrics measured against another arm say so (they are n/a without it).
    for key, arm in NEEDS_ARM.items():
        assert arm in GLOSSARY[key].note
    listed = [k for _, keys in SECTIONS for k in keys]
    assert sorted(listed) == sorted((*METRICS, *MODEL_METRICS, *COLDSTART_METRICS))
    assert len(set(listed)) == len(listed)
    assert {t.key for t in READING} >= {"interval", "paired", "window", "na", "seeds"}


def test_docs_glossary_is_written_from_the_code():
    assert DOC.read_text() == markdown(), (
        "docs/glossary.md is out of date: python -m simulator.studies.glossary > "
        "docs/glossary.md")
    for key in (*METRICS, *MODEL_METRICS, *COLDSTART_METRICS):
        assert f"(`{key}`)" in DOC.read_text()
