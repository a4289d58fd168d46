"""``kampungkb db_worker``: django-tasks-db's worker, made to outlast a busy database.

The worker of django-tasks-db stops with a traceback when the database refuses it (SQLite's
write lock held past the timeout by an import, a PostgreSQL connection dropped), and with it
every background refresh of the summaries until someone starts it again. This one logs the
error, waits (1 s, doubling up to a minute) and carries on. The command keeps its name and
options (``kampungkb.core`` is listed before ``django_tasks_db`` in INSTALLED_APPS, so this
module answers ``db_worker``).
"""

import logging
import os
import time

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.translation import gettext_noop
from django_tasks_db.management.commands import db_worker as upstream

from kampungkb.core.database import backoff_delays, connections_reset
from kampungkb.core.management.base import TranslatedCommand

logger = logging.getLogger("django_tasks_db")


class Worker(upstream.Worker):
    """A worker that waits out database errors instead of stopping.

    ``retry_base`` and ``retry_cap`` bound the wait (seconds); a worker that ran longer than
    ``retry_cap`` since its last error starts again from ``retry_base``.
    """

    def __init__(self, *, retry_base: float = 1.0, retry_cap: float = 60.0, **kwargs):
        super().__init__(**kwargs)
        self.retry_base = retry_base
        self.retry_cap = retry_cap

    def run(self) -> None:
        delays = None
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as exc:
                if delays is None or time.monotonic() - started > self.retry_cap:
                    delays = backoff_delays(base=self.retry_base, cap=self.retry_cap)
                delay = next(delays)
                logger.warning(
                    "Database unavailable (%s: %s); the worker carries on in %.0f s.",
                    type(exc).__name__,
                    exc,
                    delay,
                )
                connections_reset()
                self.startup_delay = False
                time.sleep(delay)
        return None


class Command(TranslatedCommand, upstream.Command):
    # The help of django-tasks-db's own arguments is translated in our catalogue too.
    help = gettext_noop(
        "Run the background worker (the summaries' refresh, recomputes, purges). It waits out "
        "a busy or unreachable database (1 s, doubling up to a minute) instead of stopping."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--retry-base",
            type=upstream.valid_interval,
            default=1.0,
            help=gettext_noop(
                "Seconds to wait after a first database error (default: %(default)r)."
            ),
        )
        parser.add_argument(
            "--retry-cap",
            type=upstream.valid_interval,
            default=60.0,
            help=gettext_noop(
                "Longest wait between tries after database errors (default: %(default)r)."
            ),
        )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        retry_base: float,
        retry_cap: float,
        **options,
    ) -> None:
        # As django-tasks-db's command, with this module's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together; not reloading.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
            retry_base=retry_base,
            retry_cap=retry_cap,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
