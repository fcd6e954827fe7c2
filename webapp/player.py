"""The player: /watch/<title> for films, /watch/<title>/<episode> for episodes.

A fake video (the wide artwork, slowly moving) driven by static/js/player.js, which sends the
playback events to the JSON endpoint in webapp.events. No inline scripts: the page hands its
data to the script through data- attributes.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for

from core import activity, history, playback
from core.playback import credits_mark, runtime_of
from webapp.database import db_session
from webapp.forms import EmptyForm
from webapp.htmx import is_fragment_request, render_fragment, render_page
from webapp.viewer import current_profile, profile_required, title_or_404

bp = Blueprint("player", __name__, url_prefix="/watch")


@bp.get("/<int:title_id>", defaults={"episode_id": None})
@bp.get("/<int:title_id>/<int:episode_id>")
@profile_required
def watch(title_id: int, episode_id: int | None):
    profile = current_profile()
    s = db_session()
    title = title_or_404(title_id)
    start_over = request.args.get("start") == "0"
    if title.kind == "series" and episode_id is None:
        resume = history.resume_point(s, profile.id, title, profile.maturity_limit)
        if resume.episode is None:
            abort(404)
        args = {"start": 0} if start_over else {}
        return redirect(url_for("player.watch", title_id=title.id,
                                episode_id=resume.episode.id, **args))
    episode = None
    if episode_id is not None:
        episode = next((e for e in title.episodes if e.id == episode_id), None)
        if episode is None:
            abort(404)
    runtime = runtime_of(title, episode)
    viewing = history.viewing_of(s, profile.id, title.id, episode_id)
    position = 0
    if viewing is not None and not viewing.completed and not start_over:
        position = min(viewing.position_s, max(0, runtime - 5))
    following = history.next_episode(title, episode) if episode is not None else None
    return render_page(
        "player/watch.html", None, title=title, episode=episode, profile=profile,
        runtime=runtime, position=position, credits=credits_mark(title, episode),
        next_episode=following, form=EmptyForm(), thumbs=activity.THUMBS,
        max_batch=playback.MAX_BATCH,
        rating=activity.rating_for(s, profile.id, title.id),
        listed=bool(activity.in_list(s, profile.id, [title.id])))


@bp.post("/autoplay")
@profile_required
def autoplay():
    """Turn the active profile's autoplay of next episodes on or off."""
    profile = current_profile()
    value = request.form.get("autoplay")
    if value not in ("on", "off"):
        abort(400)
    profile.autoplay = value == "on"
    db_session().commit()
    if is_fragment_request():
        return render_fragment("player/watch.html", "autoplay", profile=profile)
    return redirect(url_for("history.index"))
