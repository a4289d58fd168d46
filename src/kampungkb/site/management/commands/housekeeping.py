"""``kampungkb housekeeping [--dry-run]``: forget, daily, what a year of running piles up.

What it removes, each after its own period (settings, with the environment variables of
deploy/kampungkb.env.example):

- uploaded import files and their upload records, finished exports and their files, and stray
  files of both folders: ``KAMPUNGKB_UPLOAD_RETENTION_DAYS`` (3; they hold whole NIKs);
- the one-time tokens of saved forms: 30 days;
- the results of finished background tasks: ``KAMPUNGKB_TASK_RESULT_RETENTION_DAYS`` (30);
- expired sessions (Django's ``clearsessions``);
- login records (usernames, addresses): ``KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS`` (90), and failed
  logins past their cool-off.

Never the audit trail, nor a job still running, nor a file being written. Run twice, the second
run removes nothing. The daily timer deploy/systemd/kampungkb-purge.timer runs it.
"""

from django.utils.translation import gettext_noop

from kampungkb.core.housekeeping import (
    login_attempts_prune,
    login_log_retention_days,
    login_logs_prune,
    sessions_prune,
    task_result_retention_days,
    task_results_prune,
)
from kampungkb.core.management.base import TranslatedCommand
from kampungkb.core.submissions import KEEP_DAYS, submitted_forms_prune
from kampungkb.growth.importing.uploads import retention_days, uploads_purge
from kampungkb.growth.jobs.files import file_jobs_purge


class Command(TranslatedCommand):
    help = gettext_noop(
        "Remove what is kept past its retention period: uploaded import files and exports "
        "(KAMPUNGKB_UPLOAD_RETENTION_DAYS), finished background tasks "
        "(KAMPUNGKB_TASK_RESULT_RETENTION_DAYS), expired sessions, login records "
        "(KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS) and old form tokens; says how many of each. "
        "The audit trail is kept. Run it daily (the kampungkb-purge timer does)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_noop("List what would be removed; remove nothing."),
        )

    def handle(self, *args, dry_run=False, **options):
        days = retention_days()
        uploads = uploads_purge(days=days, dry_run=dry_run)
        jobs = file_jobs_purge(days=days, dry_run=dry_run)
        task_days, login_days = task_result_retention_days(), login_log_retention_days()
        counts = [
            ("unggahan / uploads", len(uploads.uploads), days),
            ("berkas unggahan / upload files", len(uploads.files), days),
            ("ekspor / exports", len(jobs.jobs), days),
            ("berkas ekspor / export files", len(jobs.files), days),
            ("token formulir / form tokens", submitted_forms_prune(dry_run=dry_run), KEEP_DAYS),
            (
                "hasil tugas latar / background task results",
                task_results_prune(days=task_days, dry_run=dry_run),
                task_days,
            ),
            ("sesi kedaluwarsa / expired sessions", sessions_prune(dry_run=dry_run), None),
            (
                "catatan login / login records",
                login_logs_prune(days=login_days, dry_run=dry_run),
                login_days,
            ),
            (
                "percobaan login gagal / failed logins past their cool-off",
                login_attempts_prune(dry_run=dry_run),
                None,
            ),
        ]
        for path in [*uploads.files, *jobs.files]:
            self.stdout.write(f"  {path}")
        verb = "Akan dihapus / would remove" if dry_run else "Dihapus / removed"
        for what, n, period in counts:
            older = (
                f", lebih lama dari / older than {period} hari / days" if period is not None else ""
            )
            self.stdout.write(f"{verb}: {n} {what}{older}.")
