"""Plots (SVG, matplotlib's Agg backend) and a self-contained HTML report of an experiment."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from simulator.metrics import METRICS

LABELS = {
    "sessions": "Sessions per day", "plays": "Plays per day", "ctr": "Click-through rate",
    "watch_minutes_per_profile": "Watch minutes per profile", "completion": "Completion rate",
    "abandonment": "Abandonment rate", "return_rate": "Return rate",
    "mean_true_utility": "Mean true utility watched", "regret": "Regret vs best title",
    "precision_at_10": "Precision@10 vs true top 10", "coverage": "Catalog coverage",
    "gini_plays": "Gini of plays", "mean_rec_popularity": "Mean popularity of recommendations",
    "watch_overlap": "Watch-set overlap with nearest neighbour",
    "homogenization": "Homogenization (vs ideal)",
}


def plot_metric(metric: str, rows: list[dict], arms: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "streamsim"  # stable ids inside the SVG
    fig, ax = plt.subplots(figsize=(5.2, 3.0), dpi=100)
    for arm in arms:
        days = sorted({r["day"] for r in rows if r["arm"] == arm})
        means = [np.mean([r[metric] for r in rows if r["arm"] == arm and r["day"] == d])
                 for d in days]
        ax.plot(days, means, label=arm, linewidth=1.8)
    ax.set_title(LABELS.get(metric, metric), fontsize=10)
    ax.set_xlabel("Simulated day", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def write_report(out: Path, cfg: dict, rows: list[dict], summary: dict) -> None:
    plots = out / "plots"
    plots.mkdir(exist_ok=True)
    arms = [a["name"] for a in cfg["arms"]]
    figures = []
    for metric in METRICS:
        path = plots / f"{metric}.svg"
        plot_metric(metric, rows, arms, path)
        svg = path.read_text()
        figures.append(f'<figure>{svg[svg.index("<svg"):]}</figure>')
    head = "".join(f"<th>{html.escape(a)}</th>" for a in arms)
    body = []
    for metric in METRICS:
        cells = "".join(
            "<td>{:.4g} ± {:.2g}</td>".format(summary["arms"][a]["run_mean"][metric]["mean"],
                                              summary["arms"][a]["run_mean"][metric]["ci95"])
            for a in arms)
        body.append(f"<tr><th>{html.escape(LABELS.get(metric, metric))}</th>{cells}</tr>")
    title = html.escape(cfg["name"])
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#111}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .6rem;border-bottom:1px solid #ddd;
text-align:left}}.plots{{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));
gap:1rem}}figure{{margin:0}}svg{{max-width:100%;height:auto}}</style></head>
<body><h1>{title}</h1>
<p>{cfg["profiles"]} profiles, {cfg["days"]} simulated days, {cfg["titles"]} titles,
seeds {", ".join(map(str, cfg["seeds"]))}. Values: mean of the daily values over the run,
± 95% confidence half-width over seeds.</p>
<table><thead><tr><th>Metric</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
<h2>Metrics over time (mean over seeds)</h2><div class="plots">{"".join(figures)}</div>
</body></html>
"""
    (out / "report.html").write_text(page)
