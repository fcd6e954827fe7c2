"""Plots (SVG, matplotlib's Agg backend) and a self-contained HTML report of an experiment."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from simulator.studies.metrics import METRICS
from simulator.studies.model_metrics import MODEL_METRICS

LABELS = {
    "sessions": "Sessions per day", "plays": "Plays per day", "ctr": "Click-through rate",
    "watch_minutes_per_profile": "Watch minutes per profile", "completion": "Completion rate",
    "abandonment": "Abandonment rate", "return_rate": "Return rate",
    "mean_true_utility": "Mean true utility watched", "regret": "Regret vs best title",
    "precision_at_10": "Precision@10 vs true top 10", "coverage": "Catalog coverage",
    "gini_plays": "Gini of plays", "mean_rec_popularity": "Mean popularity of recommendations",
    # Mean over viewers of the tag diversity of what each one watched (1 - mean pairwise cosine).
    "watch_diversity": "Diversity of each viewer's own watching",
    "watch_overlap": "Watch-set overlap, neighbours by the policy's vectors",
    "homogenization": "Homogenization, neighbours by the policy's vectors (vs ideal)",
    "watch_overlap_taste": "Watch-set overlap, neighbours by true taste",
    "homogenization_taste": "Homogenization, neighbours by true taste (vs ideal)",
    "qualified_play_rate": "Qualified plays per title shown",
    "art_regret": "Artwork regret vs the oracle, per profile",
    "art_regret_cum": "Cumulative artwork regret vs the oracle",
    "clickbait_share": "Clickbait artwork's share of impressions",
    "model_rmse_truth": "Model RMSE vs true thumbs (watched titles)",
    "model_holdout_rmse": "Model RMSE on a holdout of its training data",
    # The cold-start study's rows (simulator/studies/coldstart.py), precision@10 each.
    "coldstart_onboarding": "Onboarding rows (what the site serves)",
    "coldstart_prior": "Popularity prior (training data)",
    "coldstart_popular": "Popularity row (the site's)",
    "coldstart_random": "Random titles",
    "coldstart_model_alone": "Model alone (no cold-start part)",
    "coldstart_content_alone": "Cold-start part alone (content)",
}


# The site's dark theme (webapp/static/css/app.css, charts.css), so that the report's plots
# read like the run page's charts: a colour per arm, the fifth and later also dashed.
THEME = {"page": "#0e0f13", "surface": "#17181e", "border": "#2a2c36", "text": "#f1efe9",
         "muted": "#a3a4ad", "axis": "#c4c3cc"}
ARM_COLOURS = ("#5ab0ff", "#ff9f43", "#4cd68c", "#ff6f91", "#c29bff", "#f2d45c", "#3fd0d4",
               "#c9c9cf")


def plot_metric(metric: str, rows: list[dict], arms: list[str], path: Path) -> None:
    import matplotlib
    from matplotlib.figure import Figure

    # A Figure of its own, not pyplot: no backend is chosen and no global state changes, so a
    # notebook that runs an experiment (simulator/studies/lab.py) keeps its inline plots.
    fig = Figure(figsize=(5.2, 3.0), dpi=100)
    ax = fig.subplots()
    fig.patch.set_facecolor(THEME["surface"])
    ax.set_facecolor(THEME["surface"])
    for i, arm in enumerate(arms):  # days where the arm has no value (no model yet): left out
        days = sorted({r["day"] for r in rows
                       if r["arm"] == arm and r.get(metric) is not None})
        means = [np.mean([r[metric] for r in rows if r["arm"] == arm and r["day"] == d
                          and r.get(metric) is not None]) for d in days]
        ax.plot(days, means, label=arm, linewidth=1.8, color=ARM_COLOURS[i % len(ARM_COLOURS)],
                linestyle="-" if i % len(ARM_COLOURS) < 4 else "--",
                marker="o" if len(days) < 3 else None)
    ax.set_title(LABELS.get(metric, metric), fontsize=10, color=THEME["text"])
    ax.set_xlabel("Simulated day", fontsize=8, color=THEME["muted"])
    ax.tick_params(labelsize=8, colors=THEME["axis"])
    for spine in ax.spines.values():
        spine.set_color(THEME["border"])
    ax.grid(color="white", alpha=0.1)
    if arms:
        legend = ax.legend(fontsize=7, frameon=False)
        for text in legend.get_texts():
            text.set_color(THEME["axis"])
    fig.tight_layout()
    with matplotlib.rc_context({"svg.hashsalt": "streamsim"}):  # stable ids inside the SVG
        fig.savefig(path, format="svg", metadata={"Date": None}, facecolor=THEME["surface"])


def figure(block: dict, fmt: str = "{:.4g}") -> str:
    """A mean ± its 95% interval; "n/a" for a figure the run does not have, and no "±" when
    there is no interval (one seed)."""
    if block.get("mean") is None:
        return "n/a"
    text = fmt.format(block["mean"])
    return text if block.get("ci95") is None else f"{text} ± {block['ci95']:.2g}"


def _has_model(arm_summary: dict) -> bool:
    """Did this arm have a model on any day (svd), as opposed to none at all (random)?"""
    block = arm_summary.get("model") or {}
    return any((block.get(m) or {}).get("run_mean") for m in MODEL_METRICS)


def _metric_th(metric: str) -> str:
    """A metric's row header: its label, with its glossary entry on hover and a link to it at
    the foot of the report (which is one self-contained file)."""
    from simulator.studies.glossary import GLOSSARY

    label = html.escape(LABELS.get(metric, metric))
    entry = GLOSSARY.get(metric)
    if entry is None:
        return f"<th>{label}</th>"
    return (f'<th title="{html.escape(entry.hover)}">{label} <a class="gloss" '
            f'href="#g-{metric}" aria-label="What {label} means">?</a></th>')


def _glossary_section(metrics: list[str]) -> str:
    from simulator.studies.glossary import GLOSSARY, READING

    terms = "".join(f"<dt>{html.escape(t.label)}</dt><dd>{html.escape(t.text)}</dd>"
                    for t in READING if t.key in ("interval", "paired", "na"))
    entries = "".join(
        f'<dt id="g-{m}">{html.escape(GLOSSARY[m].label)}</dt><dd>'
        f"{html.escape(GLOSSARY[m].definition)} <em>Unit:</em> {html.escape(GLOSSARY[m].unit)}. "
        f"{html.escape(GLOSSARY[m].direction)} <em>Computed:</em> "
        f"{html.escape(GLOSSARY[m].computed)}"
        + (f" {html.escape(GLOSSARY[m].note)}" if GLOSSARY[m].note else "") + "</dd>"
        for m in metrics if m in GLOSSARY)
    return f'<h2 id="glossary">Glossary</h2><dl class="glossary">{terms}{entries}</dl>'


def write_report(out: Path, cfg: dict, rows: list[dict], summary: dict) -> None:
    plots = out / "plots"
    plots.mkdir(exist_ok=True)
    arms = [a["name"] for a in cfg["arms"]]
    model_arms = [a for a in arms if _has_model(summary["arms"][a])]
    figures = []
    for metric, shown in [*((m, arms) for m in METRICS),
                          *((m, model_arms) for m in (MODEL_METRICS if model_arms else ()))]:
        path = plots / f"{metric}.svg"
        plot_metric(metric, rows, shown, path)
        svg = path.read_text()
        figures.append(f'<figure>{svg[svg.index("<svg"):]}</figure>')
    head = "".join(f"<th>{html.escape(a)}</th>" for a in arms)
    body = []
    for metric in METRICS:
        cells = "".join(f"<td>{figure(summary['arms'][a]['run_mean'][metric])}</td>"
                        for a in arms)
        body.append(f"<tr>{_metric_th(metric)}{cells}</tr>")
    model_table = ""
    if model_arms:
        def cell(block) -> str:
            return "<td>-</td>" if not block else f"<td>{figure(block)}</td>"
        model_rows = "".join(
            f"<tr>{_metric_th(m)}"
            + "".join(cell(summary["arms"][a]["model"][m]["run_mean"]) for a in model_arms)
            + "</tr>" for m in MODEL_METRICS)
        model_head = "".join(f"<th>{html.escape(a)}</th>" for a in model_arms)
        model_table = (f"<h2>Model</h2><table><thead><tr><th>Metric</th>{model_head}</tr>"
                       f"</thead><tbody>{model_rows}</tbody></table>")
    paired = ""
    if len(arms) > 1:
        def diff(a: str, b: str) -> str:
            if a == b:
                return "<td>-</td>"
            return f"<td>{figure(summary['arms'][a]['utility_vs'][b], '{:+.3f}')}</td>"
        paired_rows = "".join(f"<tr><th>{html.escape(a)}</th>"
                              + "".join(diff(a, b) for b in arms) + "</tr>" for a in arms)
        paired = (f"<h2>Mean true utility, paired by seed</h2><p>Row arm minus column arm, "
                  f"seed by seed (every arm of a seed sees the same viewers), ± 95% "
                  f"confidence half-width over seeds.</p><table><thead><tr><th>Arm</th>{head}"
                  f"</tr></thead><tbody>{paired_rows}</tbody></table>")
    title = html.escape(cfg["name"])
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="color-scheme" content="dark">
<style>body{{font-family:system-ui,sans-serif;margin:2rem;background:{THEME["page"]};
color:{THEME["text"]};line-height:1.45}}p{{color:{THEME["muted"]};max-width:80ch}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .6rem;
border-bottom:1px solid rgba(255,255,255,.12);text-align:left}}
.plots{{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(420px,100%),1fr));
gap:1rem}}.gloss{{color:{THEME["muted"]};font-size:.8em;text-decoration:none;
border:1px solid {THEME["border"]};border-radius:50%;padding:0 .35em}}
dl.glossary dt{{font-weight:700;margin-top:.8rem}}dl.glossary dd{{margin:.2rem 0 0;
color:{THEME["muted"]};max-width:90ch}}
figure{{margin:0;background:{THEME["surface"]};border:1px solid {THEME["border"]};
border-radius:8px;padding:.4rem}}svg{{max-width:100%;height:auto}}</style></head>
<body><h1>{title}</h1>
<p>{cfg["profiles"]} profiles, {cfg["days"]} simulated days, {cfg["titles"]} titles,
seeds {", ".join(map(str, cfg["seeds"]))}. Values: mean of the daily values over the run,
± 95% confidence half-width over seeds (<a href="#glossary">glossary</a>).</p>
<table><thead><tr><th>Metric</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
{paired}
{model_table}
<h2>Metrics over time (mean over seeds)</h2><div class="plots">{"".join(figures)}</div>
{_glossary_section([*METRICS, *(MODEL_METRICS if model_arms else ())])}
</body></html>
"""
    (out / "report.html").write_text(page)
