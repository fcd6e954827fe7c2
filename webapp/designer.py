"""The experiment designer (educators only): clone a shipped experiment or a saved design,
edit it in a form, sweep one arm parameter into several arms, save it as a TOML file.

Every value the form takes goes through `simulator.studies.experiment.normalise`, the check
`streamsim simulate` runs, so the page and the CLI refuse the same things; its ConfigError
names the field, and the message is shown beside that field. Designs are saved under the
instance folder (`simulator.studies.design.designs_dir`) and appear in the "Start a run"
picker beside the shipped experiments.

The form posts back to itself for its buttons (add an arm, remove one, expand a sweep, save),
so it works without JavaScript; the arms are re-numbered in the posted data itself, so what
was typed is kept, even a value not yet valid.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from simulator.studies import design, worker
from simulator.studies.experiment import (
    ARTWORK,
    MAX_ARMS,
    ConfigError,
    load_config,
    normalise,
    policy_options,
)
from simulator.studies.policies import policy_names
from webapp.htmx import render_page
from webapp.viewer import current_profile, educator_required

bp = Blueprint("designer", __name__, url_prefix="/educator/designs")

SAVED = "saved:"  # the picker's prefix for a saved design (shipped ones go by file stem)
RETRAIN_HINTS = (("daily", "every day"), ("warmup", "once, after the warm-up days"),
                 ("never", "never (the first ranking stays)"), ("7", "every 7 days"))


def _number(message: str):
    return InputRequired(message)


class _SaysWhatToType:
    """A number field whose refusal says what to type (`expected`)."""

    expected = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{valuelist[0]!r} is not {self.expected}.") from None


class WholeNumber(_SaysWhatToType, IntegerField):
    expected = "a whole number (like 14)"


class Number(_SaysWhatToType, FloatField):
    expected = "a number (like 0.1)"


class ArmForm(Form):
    """One arm. A plain wtforms Form: the design's FlaskForm carries the CSRF token."""

    name = StringField("Arm name", validators=[InputRequired("Give the arm a name.")])
    policy = SelectField("Policy", choices=lambda: [(p, p) for p in policy_names()])
    retrain = StringField("Retraining", validators=[InputRequired(
        "Say when it retrains: daily, warmup, never or a number of days.")])
    epsilon = Number("Exploration share", validators=[_number(
        "Give the exploration share, 0 to 1 (0 = none).")])
    new_per_day = WholeNumber("New releases per day", validators=[_number(
        "Give a whole number of new titles a day (0 = none).")])
    artwork = SelectField("Artwork", choices=[(a, a) for a in ARTWORK])
    rows = WholeNumber("Rows", validators=[Optional()])
    row_len = WholeNumber("Row length", validators=[Optional()])
    options = HiddenField()  # the arm's policy options (svd's model...), JSON, checked too


class DesignForm(FlaskForm):
    slug = StringField("File name", validators=[InputRequired("Give the design a file name.")])
    editing = HiddenField()  # the saved design this form edits ("" for a new one)
    source = HiddenField()  # what it was cloned from, written in the file's header
    name = StringField("Title", validators=[InputRequired("Give the experiment a title.")])
    description = TextAreaField("Description")
    profiles = WholeNumber("Profiles (viewers)", validators=[_number("Give a whole number.")])
    days = WholeNumber("Simulated days", validators=[_number("Give a whole number.")])
    titles = WholeNumber("Titles in the catalogue", validators=[_number("Give a whole number.")])
    seeds = StringField("Seeds (one simulated world each)",
                        validators=[InputRequired("Give at least one seed.")])
    start = StringField("First simulated day", validators=[InputRequired("Give a date.")])
    explore_days = WholeNumber("Launch days of random rows (explore_days)",
                                validators=[_number("Give a whole number (0 = none).")])
    warmup_days = WholeNumber("Warm-up days before a 'warmup' retrain (warmup_days)",
                               validators=[_number("Give a whole number.")])
    art_appeal = Number("Hidden artwork appeal per taste community (art_appeal)",
                        validators=[Optional()])
    clickbait = Number("Share of titles with planted clickbait artwork (clickbait)",
                       validators=[Optional()])
    rows = WholeNumber("Rows on the home page", validators=[_number("Give a whole number.")])
    row_len = WholeNumber("Titles per row", validators=[_number("Give a whole number.")])
    baseline = SelectField("Baseline arm (the others are compared with it)", choices=[],
                           validate_choice=False)
    arms = FieldList(FormField(ArmForm), min_entries=1, max_entries=MAX_ARMS)
    sweep_arm = SelectField("Arm to sweep", choices=[], validate_choice=False)
    sweep_param = SelectField("Parameter", choices=list(design.SWEEP_LABELS.items()),
                              validate_choice=False)
    sweep_values = StringField("Values, separated by commas")


# -- the experiments a design can start from, and the picker's choices -------------------------


def designs_folder() -> Path:
    return design.designs_dir(current_app.config["STREAMSIM"].instance_dir)


def experiment_files() -> dict[str, Path]:
    """Every experiment an educator can start or clone: shipped ones by file stem, saved
    designs as "saved:<slug>"."""
    files = dict(worker.shipped_configs())
    files.update({f"{SAVED}{slug}": path
                  for slug, path in design.saved_designs(designs_folder()).items()})
    return files


def load_experiments() -> dict[str, dict | str]:
    """Each experiment's checked config, or the reason it cannot be read (a saved file
    edited by hand into something the checks refuse): never an error page."""
    out: dict[str, dict | str] = {}
    for key, path in experiment_files().items():
        try:
            out[key] = load_config(path)
        except (ValueError, OSError) as exc:  # tomllib's decode error is a ValueError
            out[key] = str(exc)
    return out


# -- form data <-> config -----------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def form_data(cfg: dict, *, slug: str, editing: str = "", source: str = "") -> MultiDict:
    """A config as the form's posted data (what a browser would send back unchanged)."""
    data = MultiDict({"slug": slug, "editing": editing, "source": source,
                      "name": cfg["name"], "description": cfg.get("description", ""),
                      "seeds": ", ".join(map(str, cfg["seeds"])), "start": str(cfg["start"]),
                      "baseline": cfg.get("baseline", "")})
    for key in ("profiles", "days", "titles", "explore_days", "warmup_days", "rows", "row_len"):
        data[key] = _text(cfg[key])
    for key in ("art_appeal", "clickbait"):
        data[key] = _text(cfg.get(key, 0.0))
    for i, arm in enumerate(cfg["arms"]):
        for key in ("name", "policy", "retrain", "epsilon", "new_per_day", "artwork"):
            data[f"arms-{i}-{key}"] = _text(arm[key])
        for key in ("rows", "row_len"):
            data[f"arms-{i}-{key}"] = _text(arm.get(key))
        options = policy_options(arm)
        data[f"arms-{i}-options"] = json.dumps(options, sort_keys=True) if options else ""
    return data


ARM_KEY = re.compile(r"arms-(\d+)-(\w+)")


def _arm_rows(data: MultiDict) -> list[dict[str, str]]:
    """The posted arms, in their order, as the text typed."""
    arms: dict[int, dict[str, str]] = {}
    for key, value in data.items(multi=False):
        m = ARM_KEY.fullmatch(key)
        if m and int(m[1]) < 100:
            arms.setdefault(int(m[1]), {})[m[2]] = value
    return [arms[i] for i in sorted(arms)]


def _with_arms(data: MultiDict, arms: list[dict[str, str]], **changes: str) -> MultiDict:
    out = MultiDict([(k, v) for k, v in data.items(multi=True)
                     if not ARM_KEY.fullmatch(k) and k != "action"])
    for key, value in changes.items():
        out[key] = value
    for i, arm in enumerate(arms):
        for key, value in arm.items():
            out[f"arms-{i}-{key}"] = value
    return out


def _retrain(text: str) -> str | int:
    text = text.strip()
    return int(text) if text.isdigit() else text


def raw_config(form: DesignForm) -> dict:
    """The config the form describes (not yet checked: `normalise` does that); ConfigError
    for what only the form can tell (seeds that are not numbers, options that are not JSON)."""
    try:
        seeds = [int(s) for s in re.split(r"[,\s]+", form.seeds.data.strip()) if s]
    except ValueError:
        raise ConfigError("seeds", "Seeds are whole numbers separated by commas, like "
                                   "1, 2, 3, 4, 5.") from None
    raw = {"name": form.name.data.strip(), "seeds": seeds, "start": form.start.data.strip()}
    if (form.description.data or "").strip():
        raw["description"] = form.description.data.strip()
    for key in ("profiles", "days", "titles", "explore_days", "warmup_days", "rows", "row_len"):
        raw[key] = getattr(form, key).data
    for key in ("art_appeal", "clickbait"):  # the artwork's hidden truth (0 = off)
        if getattr(form, key).data:
            raw[key] = getattr(form, key).data
    if form.baseline.data:
        raw["baseline"] = form.baseline.data
    arms = []
    for i, entry in enumerate(form.arms):
        sub = entry.form
        arm = {"name": sub.name.data.strip(), "policy": sub.policy.data,
               "retrain": _retrain(sub.retrain.data), "epsilon": sub.epsilon.data,
               "new_per_day": sub.new_per_day.data, "artwork": sub.artwork.data}
        for key in ("rows", "row_len"):
            if getattr(sub, key).data is not None:
                arm[key] = getattr(sub, key).data
        if sub.options.data:
            try:
                options = json.loads(sub.options.data)
                if not isinstance(options, dict):
                    raise ValueError
            except ValueError:
                raise ConfigError(f"arms.{i}.options", "This arm's policy options could not "
                                                       "be read.") from None
            arm.update({k: v for k, v in options.items() if k not in arm})
        arms.append(arm)
    raw["arms"] = arms
    return raw


def _show(form: DesignForm, error: ConfigError) -> None:
    """Put the message beside the field it names (form-wide when it names none shown)."""
    parts = error.field.split(".")
    field = None
    if parts[0] == "arms" and len(parts) == 3 and parts[1].isdigit() \
            and int(parts[1]) < len(form.arms.entries):
        sub = form.arms.entries[int(parts[1])].form
        field = getattr(sub, "policy" if parts[2] == "options" else parts[2], None)
    elif parts[0] in form._fields:
        field = form[parts[0]]
    if field is None:
        form.form_errors = [*form.form_errors, str(error)]
    else:
        field.errors = [*field.errors, str(error)]


def _prepare(form: DesignForm) -> DesignForm:
    """The choices that depend on the arms typed."""
    names = [e.form.name.data or f"arm {i + 1}" for i, e in enumerate(form.arms)]
    form.baseline.choices = [("", "The first arm")] + [(n, n) for n in names]
    form.sweep_arm.choices = [(str(i), n) for i, n in enumerate(names)]
    return form


def _seeds_typed(form: DesignForm) -> int | None:
    try:
        return len([s for s in re.split(r"[,\s]+", (form.seeds.data or "").strip()) if s])
    except AttributeError:
        return None


def _page(form: DesignForm, status: int = 200, *, title: str):
    return render_page("designer/edit.html", None, status=status, form=_prepare(form),
                       title=title, few_seeds=design.FEW_SEEDS, seeds_typed=_seeds_typed(form),
                       retrain_hints=RETRAIN_HINTS, sweepable=design.SWEEP_LABELS,
                       profile=current_profile())


# -- views --------------------------------------------------------------------------------------


@bp.get("/new")
@educator_required
def new():
    """A copy of a shipped experiment or a saved design (?from=), to edit and save."""
    key = request.args.get("from", "feedback_loop")
    files = experiment_files()
    if key not in files:
        abort(404)
    try:
        cfg = load_config(files[key])
    except (ValueError, OSError):
        abort(404)
    stem = key.removeprefix(SAVED)
    slug = design.free_slug(designs_folder(), f"{stem}-copy")
    source = (f"simulator/studies/experiments/{stem}.toml" if not key.startswith(SAVED)
              else f"the saved design {stem}")
    form = DesignForm(formdata=form_data({**cfg, "name": f"{cfg['name']} (copy)"}, slug=slug,
                                         source=source))
    return _page(form, title=f"New design from {stem.replace('_', ' ')}")


@bp.get("/<slug>")
@educator_required
def edit(slug: str):
    """A saved design, to change and save again."""
    path = _saved(slug)
    try:
        cfg = load_config(path)
    except ValueError as exc:  # edited by hand into something the checks refuse
        form = DesignForm(formdata=MultiDict({"slug": slug, "editing": slug}))
        form.form_errors = [f"This file cannot be read as an experiment: {exc}"]
        return _page(form, 422, title=f"Design {slug}")
    form = DesignForm(formdata=form_data(cfg, slug=slug, editing=slug))
    return _page(form, title=f"Design {slug}")


def _saved(slug: str) -> Path:
    try:
        path = design.design_path(designs_folder(), slug)
    except ConfigError:
        abort(404)
    if not path.is_file():
        abort(404)
    return path


@bp.post("/")
@educator_required
def save():
    """Every button of the form posts here: add or remove an arm, expand a sweep, save."""
    action = request.form.get("action", "save")
    data = request.form
    arms = _arm_rows(data)
    title = "Design an experiment"
    if action == "add_arm":
        if len(arms) >= MAX_ARMS:
            form = DesignForm()
            form.form_errors = [f"A design has at most {MAX_ARMS} arms."]
            return _page(form, 422, title=title)
        last = dict(arms[-1]) if arms else {"policy": "random", "retrain": "daily",
                                            "epsilon": "0", "new_per_day": "0",
                                            "artwork": "default"}
        last["name"] = f"arm-{len(arms) + 1}"
        return _page(DesignForm(formdata=_with_arms(data, [*arms, last])), title=title)
    if action.startswith("remove-"):
        index = action.removeprefix("remove-")
        if not index.isdigit() or int(index) >= len(arms) or len(arms) == 1:
            abort(400)
        del arms[int(index)]
        return _page(DesignForm(formdata=_with_arms(data, arms)), title=title)
    if action == "sweep":
        return _sweep(data, arms, title)
    if action != "save":
        abort(400)
    form = DesignForm()
    _prepare(form)
    if not form.validate():
        return _page(form, 422, title=title)
    try:
        cfg = normalise(raw_config(form))
        slug = design.check_slug(form.slug.data.strip())
        path = design.design_path(designs_folder(), slug)
        if path.exists() and slug != form.editing.data:
            raise ConfigError("slug", f"A saved design is already called {slug}: choose "
                                      f"another file name, or open that design to change it.")
        design.save(designs_folder(), slug, cfg, source=form.source.data[:200] or None)
    except ConfigError as exc:
        _show(form, exc)
        return _page(form, 422, title=title)
    return redirect(url_for("educator.index", config=f"{SAVED}{slug}", saved=slug,
                            _anchor="start"), code=303)


def _sweep(data: MultiDict, arms: list[dict[str, str]], title: str):
    """Replace the chosen arm by one arm per value of the chosen parameter."""
    form = DesignForm()
    index = data.get("sweep_arm", "")
    param = data.get("sweep_param", "")
    try:
        if not index.isdigit() or int(index) >= len(arms):
            raise ConfigError("sweep_arm", "Choose the arm to sweep.")
        values = design.parse_values(param, data.get("sweep_values", ""))
        if len(arms) - 1 + len(values) > MAX_ARMS:
            raise ConfigError("sweep_values", f"That sweep would make "
                                              f"{len(arms) - 1 + len(values)} arms; a design "
                                              f"has at most {MAX_ARMS}.")
    except ConfigError as exc:
        _prepare(form)
        _show(form, exc)
        return _page(form, 422, title=title)
    arm = arms[int(index)]
    new = [{k: _text(v) for k, v in a.items()}
           for a in design.sweep_arms({**arm, "name": arm.get("name", "arm")}, param, values)]
    changes = {"sweep_values": ""}
    if data.get("baseline") and data.get("baseline") == arm.get("name"):
        changes["baseline"] = new[0]["name"]
    rows = arms[:int(index)] + new + arms[int(index) + 1:]
    return _page(DesignForm(formdata=_with_arms(data, rows, **changes)), title=title)
