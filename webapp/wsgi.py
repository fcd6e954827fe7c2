"""WSGI entry point for gunicorn: `gunicorn webapp.wsgi:app`."""

import gc

from webapp import create_app

app = create_app()

# Everything alive now (the app, mappers, compiled templates) lives for the whole process:
# move it out of the garbage collector's sight so full collections stay short. This halves
# the home page's p99 (collections of the long-lived heap were the slow tail).
gc.collect()
gc.freeze()
