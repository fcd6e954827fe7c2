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

# A body bigger than any route accepts is refused (413) before it is read. gunicorn would then
# keep the connection alive and try to read past the rest of the body as the next request, or
# drop it after promising keep-alive; marking the request closes it cleanly instead, with
# "Connection: close" on the 413. (Browsers never send chunked bodies; a chunked request is
# closed after its answer too, as its length is unknown until read.)
from webapp.events import MAX_BODY_BYTES as BODY_LIMIT_BYTES  # noqa: E402 - the smallest cap


def pre_request(worker, req):
    headers = dict(req.headers)  # gunicorn keeps names upper-cased
    declared = headers.get("CONTENT-LENGTH")
    too_big = declared is not None and (not declared.isdigit()
                                        or int(declared) > BODY_LIMIT_BYTES)
    if too_big or "chunked" in headers.get("TRANSFER-ENCODING", "").lower():
        req.must_close = True
    worker.log.debug("%s %s", req.method, req.path)  # gunicorn's own default hook
