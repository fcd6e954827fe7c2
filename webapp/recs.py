"""The recommender's wiring into the app: the serving model and the in-app retrain scheduler.

`init_app` gives each app its own `ModelStore` over settings.model_dir, kept in
app.extensions["streamsim.models"]; views read the model with `serving_model()` and pass it to
the row builders, so two apps in one process serve their own folders.

`start_background` starts the in-app retrain scheduler (STREAMSIM_REC_SCHEDULER_IN_APP, the
single-process demo) behind the deployment's lock. Only the serving entry points call it:
`streamsim run` and webapp.wsgi. Building the app never starts one, so a CLI command such as
`streamsim models` never trains in the background. Training never runs inside a web request.
"""

from __future__ import annotations

import atexit
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, current_app

from core.settings import Settings
from recommender import scheduler
from recommender.scoring import ModelStore

if TYPE_CHECKING:  # the model is opaque here: views only hand it on
    from recommender.model import ServingModel

MODELS = "streamsim.models"
SCHEDULER = "streamsim.scheduler"


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[MODELS] = ModelStore(settings.model_dir)


def model_store() -> ModelStore:
    """The current app's model store (its folder is the one the model page lists)."""
    return current_app.extensions[MODELS]


def serving_model() -> ServingModel | None:
    """The current app's serving model, or None (popularity rows)."""
    return model_store().get()


def start_background(app: Flask) -> BackgroundScheduler | None:
    """Start the app's in-app retrain scheduler if the setting is on and no scheduler of this
    deployment holds the lock (another worker, `streamsim scheduler`); else None."""
    settings: Settings = app.config["STREAMSIM"]
    if not settings.rec_scheduler_in_app:
        return None
    if SCHEDULER in app.extensions:  # started already (the entry point ran twice)
        return app.extensions[SCHEDULER]
    started = scheduler.start_in_app(app.extensions["streamsim.db"], settings)
    if started is not None:
        app.extensions[SCHEDULER] = started
        atexit.register(scheduler.stop, started)  # releases the lock for the next process
    return started
