"""What every number of an experiment means: one entry per metric, and the reading terms.

The one source of truth for the glossary: the educator pages' glossary (/educator/glossary),
the hover help beside each metric on the run page, the report's glossary and docs/glossary.md
(written from here: `python -m simulator.studies.glossary > docs/glossary.md`; a test checks the
file matches) all read it. A test fails when a metric the pages show has no entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.artwork_bandit import QUALIFIED_PLAY_S
from simulator.studies.coldstart import ROWS as COLDSTART_ROWS
from simulator.studies.metrics import ABANDON_BELOW, METRIC_GROUPS, METRICS
from simulator.studies.model_metrics import MODEL_METRICS
from simulator.studies.report import LABELS

BETTER = {"higher": "Higher is better.", "lower": "Lower is better.",
          "neither": "Neither direction is better in itself: read it beside the others."}


@dataclass(frozen=True)
class Entry:
    key: str
    definition: str  # what it is, in a sentence or two
    unit: str
    better: str  # "higher", "lower" or "neither"
    computed: str  # how the simulator computes it, per arm, seed and day
    note: str = ""  # a caution, when there is one

    @property
    def label(self) -> str:
        return LABELS.get(self.key, self.key)

    @property
    def direction(self) -> str:
        return BETTER[self.better]

    @property
    def hover(self) -> str:
        """The short help shown on hover beside the metric."""
        return f"{self.definition} Unit: {self.unit}. {self.direction}"


def _e(key, definition, unit, better, computed, note="") -> tuple[str, Entry]:
    return key, Entry(key, definition, unit, better, computed, note)


GLOSSARY: dict[str, Entry] = dict([
    _e("sessions", "How many sessions (visits to the site) the simulated viewers had that day.",
       "sessions per day", "higher",
       "Count of the day's sessions over all profiles; a profile may visit more than once a "
       "day. Each arm of a seed sees the same viewers, so a difference comes from how the rows "
       "brought them back (a good session makes a return likelier)."),
    _e("plays", "How many titles were started that day.", "plays per day", "higher",
       "Count of the day's plays over all sessions."),
    _e("ctr", "Click-through rate: plays per title shown.", "share, 0 to 1", "higher",
       "Plays divided by the titles shown on the screens viewers saw that day (impressions).",
       "Fewer, shorter rows raise it while viewers watch less: read it with plays and watch "
       "minutes."),
    _e("watch_minutes_per_profile", "Minutes watched per profile that day.",
       "minutes per profile per day", "higher",
       "Total watch time of the day's plays divided by the number of profiles in the world "
       "(visitors or not)."),
    _e("completion", "The share of plays watched to the end.", "share of plays, 0 to 1",
       "higher", "Plays marked finished divided by all plays of the day.",
       "A share of plays, not of viewings: the drop-off page follows each viewing of a film "
       "across sessions, so its finished share is not the same figure."),
    _e("abandonment", "The share of plays given up early.", "share of plays, 0 to 1", "lower",
       f"Plays stopped before {ABANDON_BELOW:.0%} of the runtime without finishing, divided by "
       f"all plays of the day."),
    _e("return_rate", "The share of yesterday's visitors who came back today.",
       "share, 0 to 1", "higher",
       "Visitors of the day who also visited the day before, divided by the day before's "
       "visitors; 0 on the first day (no yesterday)."),
    _e("mean_true_utility", "How much viewers really enjoyed what they watched, by the hidden "
       "truth the recommender never sees.", "utility (the simulator's taste scale)", "higher",
       "Mean over the day's plays of the title's true utility for that viewer: taste . "
       "features + quality + a fixed per-pair noise, with the taste as it is that day."),
    _e("regret", "How far what was watched fell short of the best title the viewer could have "
       "watched.", "utility (the simulator's taste scale)", "lower",
       "Per session with plays: the highest true utility among the titles the profile could "
       "watch (released, within its maturity limit, not finished) minus the mean utility of "
       "what it played; the mean over those sessions."),
    _e("precision_at_10", "How many of the first 10 recommended titles are among the viewer's "
       "true top 10.", "share, 0 to 1", "higher",
       "Per visit: titles among the first 10 of the rows (continue watching left out) that are "
       "in the profile's true top 10 of what it could watch, divided by 10; the mean over the "
       "day's visits."),
    _e("coverage", "The share of the starting catalogue that was recommended to anyone that "
       "day.", "share of the starting catalogue, 0 to 1", "higher",
       "Distinct titles of the starting catalogue (the titles every arm has from day 0) in the "
       "day's rows (continue watching left out), divided by the starting catalogue's size.",
       "Titles released mid-run are left out, so that a release nobody was shown yet cannot "
       "lower an arm's coverage before its policy acts."),
    _e("gini_plays", "How concentrated plays are on a few titles.",
       "Gini coefficient, 0 (every title played alike) to 1 (one title has every play)",
       "lower",
       "The Gini coefficient of the plays each title of the starting catalogue has had since "
       "the run began (cumulative, so it moves slowly).",
       "Counted over the starting catalogue: titles released mid-run start with no plays and "
       "would otherwise raise it before any policy acts on them. Plays of releases still count "
       "in plays, utility and watch sets."),
    _e("mean_rec_popularity", "How popular the recommended titles already were.",
       "share of profiles, 0 to 1", "lower",
       "For every recommended slot of the day: the share of profiles who have played that "
       "title so far in the run; the mean over slots. Lower means less popularity bias."),
    _e("watch_diversity", "How varied one viewer's own watching is.",
       "mean pairwise tag distance, 0 to 1", "neither",
       "For each profile that has watched at least two titles so far: the mean pairwise "
       "1 - cosine similarity of its watched titles' public tags (the intra-list diversity "
       "the offline evaluation uses); the mean over those profiles.",
       "About one viewer, where watch overlap and homogenization are about pairs of viewers: a "
       "policy can narrow each viewer to a few genres while keeping viewers apart, or the "
       "reverse. 0 is a viewer who only watches one kind of title."),
    _e("watch_overlap", "How alike two similar viewers' watching is, pairing viewers by the "
       "policy's own view of them.", "Jaccard overlap, 0 to 1", "neither",
       "Each profile is paired with its nearest neighbour by the policy's user vectors (by "
       "true taste for a policy without vectors); the Jaccard overlap of the two watch sets "
       "so far, averaged over profiles.",
       "A policy's vectors are learned from the very watch sets compared, so its pairs overlap "
       "more by construction: compare policies with the taste pairing."),
    _e("homogenization", "How much more alike paired viewers watch than under the ideal "
       "policy, pairing by the policy's own view.", "difference of Jaccard overlaps, -1 to 1",
       "lower",
       "watch_overlap of the arm minus watch_overlap of the ideal arm on the same seed and day "
       "(Chaney, Stewart and Engelhardt 2018).",
       "n/a in a run without an ideal arm: it is measured against that arm."),
    _e("watch_overlap_taste", "How alike two similar viewers' watching is, pairing viewers by "
       "their true taste at the start.", "Jaccard overlap, 0 to 1", "neither",
       "As watch overlap, with every arm's profiles paired by their hidden starting taste, so "
       "that arms with and without user vectors are compared on the same pairs."),
    _e("homogenization_taste", "How much more alike paired viewers watch than under the ideal "
       "policy, pairing by true taste.", "difference of Jaccard overlaps, -1 to 1", "lower",
       "watch_overlap_taste of the arm minus the ideal arm's on the same seed and day.",
       "n/a in a run without an ideal arm: it is measured against that arm."),
    _e("qualified_play_rate", "Qualified plays per title shown: click-through that counts only "
       "the plays that lasted.", "share, 0 to 1", "higher",
       f"Plays watched for at least {QUALIFIED_PLAY_S:.0f} seconds (the artwork bandit's "
       "reward, recommender.artwork_bandit.QUALIFIED_PLAY_S) divided by the titles shown that "
       "day, like click-through.",
       "Clickbait artwork raises click-through but not this: read the two side by side."),
    _e("art_regret", "How much of the best artwork's pull the arm's artwork choices lost that "
       "day, by the hidden truth.", "lost share of the best variant's worth, summed over home-"
       "row titles looked at, per profile", "lower",
       "For every title on a home row a viewer looked at: 1 - worth(variant shown) / "
       "worth(best variant), where a variant's worth is its click odds (the tag it stresses, "
       "the community's hidden liking for it, clickbait's pull) times the share of its plays "
       "that get past the first minutes; summed and divided by the number of profiles. The "
       "oracle arm shows the best variant, so its regret is 0.",
       "Only artwork counts here, not which titles were shown; the regret of the titles is "
       "'Regret vs best title'."),
    _e("art_regret_cum", "The artwork regret summed over the run so far.",
       "lost share of the best variant's worth per profile, cumulative", "lower",
       "Running total of art_regret from the first day. A learning policy's curve bends "
       "(grows sublinearly); a fixed or random one grows in a straight line."),
    _e("clickbait_share", "The share of home-row titles shown with the planted clickbait "
       "artwork.", "share of titles looked at, 0 to 1", "lower",
       "Titles on home rows viewers looked at whose variant is the planted clickbait, divided "
       "by all those titles; 0 in a run without planted clickbait (config `clickbait`).",
       "Clickbait raises clicks and lowers completion: a policy rewarded by clicks would show "
       "it more, one rewarded by qualified plays learns to show it less."),
    _e("model_rmse_truth", "How far the arm's trained model is from the viewers' true "
       "preferences on what they watched.", "RMSE on the 0 to 1 preference scale", "lower",
       "Over every (profile, title) watched so far: the model's fitted preference, clipped to "
       "0..1, against the noise-free true thumbs mapped to the recommender's own scale; the "
       "root of the mean squared difference.",
       "Only for factor models (svd, als); n/a for item-item models, blends, popularity and "
       "days before the first model."),
    _e("model_holdout_rmse", "How well the arm's model predicts signals it was not trained "
       "on (no ground truth involved).", "RMSE on the 0 to 1 preference scale", "lower",
       "At each retrain the training signals are split 80/20 per profile; the same model is "
       "fitted on the 80% and scored on the 20%; carried until the next retrain.",
       "Only for factor models; n/a otherwise."),
    # The cold-start study (/educator/coldstart, `streamsim coldstart --picks`): each row's
    # precision@10 against a newcomer's true top 10, after k onboarding picks.
    _e("coldstart_onboarding", "Precision@10 of the rows the site serves a new profile right "
       "after onboarding with k picks and 2 favourite genres.", "share, 0 to 1", "higher",
       "Per newcomer: the share of the site's first 10 titles for it (recommender/scoring.py's "
       "Ranker: its fold-in state from the picks, the champion model with its cold-start part, "
       "the site's filters) that are in its true top 10 (by hidden utility, among titles within "
       "its maturity limit that it did not pick in the study's largest arm, the same target in "
       "every arm); the mean over newcomers, then over seeds.",
       "With 0 picks (or too few for a personal state) the site serves popularity rows, so "
       "this equals the popularity prior."),
    _e("coldstart_prior", "Precision@10 of the training data's popularity alone: what most "
       "profiles chose, through the same filters.", "share, 0 to 1", "higher",
       "The 10 allowed titles with the most (log-scaled) signals in the data the model was "
       "trained on, against the same true top 10 as the onboarding rows."),
    _e("coldstart_popular", "Precision@10 of the site's popularity row (core/catalog.py "
       "popular) for the newcomer's maturity limit, picks left out.", "share, 0 to 1",
       "higher", "The site's 10 most popular titles, against the same true top 10."),
    _e("coldstart_random", "Precision@10 of 10 titles drawn at random among those the site "
       "would allow: the floor any row should beat.", "share, 0 to 1", "higher",
       "A random 10 of the allowed titles (a stream of its own per seed and profile), against "
       "the same true top 10; about 10 / the number of allowed titles on average."),
    _e("coldstart_model_alone", "Precision@10 of the champion model's own fold-in of the "
       "picks, without the cold-start part.", "share, 0 to 1", "higher",
       "The model's scores for the newcomer's state with the content part removed, ranked "
       "through the same filters, against the same true top 10."),
    _e("coldstart_content_alone", "Precision@10 of the cold-start part alone: the picks' "
       "and favourite genres' public tags (recommender/models/content.py).", "share, 0 to 1",
       "higher", "The content scores of the newcomer's state, ranked through the same "
       "filters, against the same true top 10."),
])


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    text: str


# How to read the figures: the intervals, windows and marks the pages use.
READING: tuple[Term, ...] = (
    Term("window", "Window of days",
         "Each figure is first averaged over the days of the window chosen on the run page "
         "(the whole run, after the launch phase, the last day, the last 7 days), seed by "
         "seed; then over seeds."),
    Term("interval", "± (95% interval over seeds)",
         "Beside a mean over seeds: the half-width of its 95% confidence interval, "
         "t(0.975, n - 1) x sd / sqrt(n) over the n seeds' figures (Student's t: 4.303 for 3 "
         "seeds, 2.776 for 5). Were the experiment repeated on new worlds, such intervals "
         "would cover the true mean 95% of the time. It holds the spread between worlds, so "
         "two arms' intervals often overlap even when one arm wins in every seed: compare arms "
         "with the paired interval."),
    Term("paired", "Paired difference [low, high]",
         "Arm minus baseline, seed by seed: every arm of a seed runs in a copy of the same "
         "world with the same viewers (common random numbers), so the difference d of each "
         "seed leaves the spread between worlds out. The table shows the mean of d and its 95% "
         "interval mean ± t(0.975, n - 1) x sd(d) / sqrt(n). An interval that excludes 0 "
         "(marked ●) is a difference the noise between seeds cannot explain at the 5% level."),
    Term("baseline", "Baseline arm",
         "The arm the others are compared with: the config's baseline setting, or its first arm; "
         "the run page can pick another."),
    Term("launch", "Launch phase",
         "The config's explore_days: days of random rows shared by every arm before the "
         "policies take over (shaded on the charts), so that every arm starts from the same "
         "spread-out plays."),
    Term("seeds", "Seeds",
         "Each seed is one simulated world (catalogue and viewers). Intervals need at least "
         "2 seeds and are wide under 5: the pages warn below 5."),
    Term("na", "n/a",
         "A figure that does not exist for this run, never shown as 0: homogenization without "
         "an ideal arm, a model figure for an arm without a factor model, a window with no "
         "days. Point at it for the reason."),
    Term("no-interval", "no interval",
         "A figure from one seed only: an interval needs at least 2 seeds."),
)

# The metrics the pages show, in the order the glossary lists them.
# The cold-start study's rows, as the glossary keys them.
COLDSTART_METRICS = tuple(f"coldstart_{row}" for row in COLDSTART_ROWS)

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *METRIC_GROUPS, ("Model (arms that train a model)", MODEL_METRICS),
    ("Cold-start study (precision@10 of each row after k onboarding picks)",
     COLDSTART_METRICS))


def missing(keys=(*METRICS, *MODEL_METRICS, *COLDSTART_METRICS)) -> list[str]:
    """The metrics among `keys` without a glossary entry (the tests want none)."""
    return [k for k in keys if k not in GLOSSARY]


def markdown() -> str:
    """docs/glossary.md, written from GLOSSARY and READING."""
    out = ["# Glossary: every number of an experiment, explained", "",
           "Written from `simulator/studies/glossary.py` (`python -m simulator.studies."
           "glossary > docs/glossary.md`); the educator pages show the same text at "
           "`/educator/glossary` and on hover beside each metric. Every metric is computed per "
           "arm, seed and simulated day (`simulator/studies/metrics.py`); the tables then "
           "average it over a window of days and over seeds.", "",
           "## Reading the figures", ""]
    for term in READING:
        out += [f"- **{term.label}**: {term.text}"]
    for section, keys in SECTIONS:
        out += ["", f"## {section}"]
        for key in keys:
            e = GLOSSARY[key]
            out += ["", f"### {e.label} (`{key}`)", "", e.definition, "",
                    f"- **Unit**: {e.unit}", f"- **Better**: {e.direction}",
                    f"- **Computed**: {e.computed}"]
            if e.note:
                out.append(f"- **Note**: {e.note}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
