"""WSGI entry point for gunicorn: `gunicorn webapp.wsgi:app`.

A serving entry point, so it starts the in-app retrain scheduler when
STREAMSIM_REC_SCHEDULER_IN_APP is on (one per deployment: the lock makes the other workers
stand down). Building the app alone never starts one.
"""

import gc

from webapp import create_app, recs

app = create_app()
recs.start_background(app)

# Everything alive now (the app, mappers, compiled templates) lives for the whole process:
# move it out of the garbage collector's sight so full collections stay short. This halves
# the home page's p99 (collections of the long-lived heap were the slow tail).
gc.collect()
gc.freeze()
