"""gunicorn's settings for a district server (deploy/README.md).

    gunicorn -c python:kampungkb.config.gunicorn kampungkb.config.wsgi

Behind nginx (deploy/nginx/kampungkb.conf), which ends HTTPS, limits the body size, buffers
uploads and serves nothing itself but can serve the static files. Each value can be changed from
the environment (deploy/kampungkb.env.example):

- ``KAMPUNGKB_BIND``: address to listen on (``127.0.0.1:8000``; ``unix:/run/kampungkb/web.sock``
  for a socket).
- ``KAMPUNGKB_WEB_WORKERS``: worker processes (twice the CPU cores plus one, at most 8). Each
  holds its own database connection and, while it reads an import, up to
  ``KAMPUNGKB_IMPORT_PARSE_MEMORY_MB`` in its child process.
- ``KAMPUNGKB_WEB_TIMEOUT``: seconds a request may take before its worker is restarted (180: an
  e-PPGBM import of 50 MB is read in a child process for up to twice
  ``KAMPUNGKB_IMPORT_PARSE_SECONDS`` on the clock, 120 s by default, then checked).
- ``KAMPUNGKB_FORWARDED_ALLOW_IPS``: the proxies whose ``X-Forwarded-*`` headers are believed
  (``127.0.0.1,::1``: nginx on the same machine).

The access log never carries query strings: a search may hold a child's NIK or name.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").strip() or default)


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


wsgi_app = "kampungkb.config.wsgi:application"
proc_name = "kampungkb"
bind = [b.strip() for b in os.environ.get("KAMPUNGKB_BIND", "127.0.0.1:8000").split(",")]
workers = _int("KAMPUNGKB_WEB_WORKERS", _default_workers())
worker_class = "sync"  # nginx buffers requests and responses, so slow clients hold no worker
timeout = _int("KAMPUNGKB_WEB_TIMEOUT", 180)
# A stop or reload lets running requests (an import being saved) finish this long.
graceful_timeout = _int("KAMPUNGKB_WEB_GRACEFUL_TIMEOUT", 60)
keepalive = 5
# Recycle a worker now and then: memory a long-lived worker gathered is given back. Not
# often: a new worker spends about 2.5 CPU-s importing the application and warming up on its
# first request (measured on the load test's machine, docs/scale.md); at a province's posyandu
# day (~20 requests/s a worker) a recycle every 2,000 requests took ~6 % of two cores.
max_requests = _int("KAMPUNGKB_WEB_MAX_REQUESTS", 10_000)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("KAMPUNGKB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Header lines and sizes as gunicorn's defaults; the body limit is nginx's and the app's.
limit_request_line = 8190

accesslog = os.environ.get("KAMPUNGKB_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("KAMPUNGKB_LOG_LEVEL", "info")
# Client address (as nginx passed it), time, method, path without the query string, status,
# bytes, duration in seconds.
access_log_format = '%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'
# Managed through systemd's signals (reload: HUP); no control socket in the user's home.
control_socket_disable = True
# Heartbeat files in memory, not on a disk that may stall (gunicorn's advice for Docker/VMs).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
