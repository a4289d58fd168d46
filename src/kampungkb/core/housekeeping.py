"""Forgetting what a year of running piles up and nobody reads again: finished background
tasks, expired sessions, old login records. ``kampungkb housekeeping`` runs these with the
purge of old uploads and exports, daily (deploy/systemd/kampungkb-purge.timer).

Each function removes rows older than its cutoff only, so running it twice removes nothing
more; each returns how many it removed (or, with ``dry_run``, would remove). The audit trail
(``AuditEntry``) is never among them: it is kept for good.
"""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

#: Days a finished background task's result is kept (``KAMPUNGKB_TASK_RESULT_RETENTION_DAYS``).
DEFAULT_TASK_RESULT_DAYS = 30
#: Days a login or logout record (username, address, browser) is kept
#: (``KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS``).
DEFAULT_LOGIN_LOG_DAYS = 90


def task_result_retention_days() -> int:
    return int(getattr(settings, "KAMPUNGKB_TASK_RESULT_RETENTION_DAYS", DEFAULT_TASK_RESULT_DAYS))


def login_log_retention_days() -> int:
    return int(getattr(settings, "KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS", DEFAULT_LOGIN_LOG_DAYS))


def _removed(queryset, *, dry_run: bool) -> int:
    if dry_run:
        return queryset.count()
    return queryset.delete()[0]


def task_results_prune(*, days: int | None = None, dry_run: bool = False, now=None) -> int:
    """Forget the results of background tasks that ended more than ``days`` ago, and of
    tasks started that long ago that never ended (their worker was killed: nothing will
    finish them). Tasks waiting for a worker are kept whatever their age: they still run."""
    days = task_result_retention_days() if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = DBTaskResult.objects.filter(
        Q(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
            finished_at__lt=cutoff,
        )
        | Q(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    )
    return _removed(old, dry_run=dry_run)


def sessions_prune(*, dry_run: bool = False, now=None) -> int:
    """Forget the sessions that have expired (what ``clearsessions`` does, counted)."""
    return _removed(Session.objects.filter(expire_date__lt=now or timezone.now()), dry_run=dry_run)


def login_logs_prune(*, days: int | None = None, dry_run: bool = False, now=None) -> int:
    """Forget the login records (axes' log of logins and logouts, and of failures: usernames,
    addresses, browsers) older than ``days``."""
    days = login_log_retention_days() if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    n = _removed(AccessLog.objects.filter(attempt_time__lt=cutoff), dry_run=dry_run)
    return n + _removed(AccessFailureLog.objects.filter(attempt_time__lt=cutoff), dry_run=dry_run)


def login_attempts_prune(*, dry_run: bool = False, now=None) -> int:
    """Forget the failed logins past their cool-off (``AXES_COOLOFF_TIME``), which no longer
    count towards a lockout; a running lockout is kept. Axes does the same at each login, so
    these are the ones of the days nobody logs in."""
    cooloff = settings.AXES_COOLOFF_TIME
    if isinstance(cooloff, int | float) and not isinstance(cooloff, bool):
        cooloff = datetime.timedelta(hours=cooloff)
    if not isinstance(cooloff, datetime.timedelta):
        return 0  # none (attempts never expire), or computed per request: axes' own affair
    cutoff = (now or timezone.now()) - cooloff
    return _removed(AccessAttempt.objects.filter(attempt_time__lt=cutoff), dry_run=dry_run)
