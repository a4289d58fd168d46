"""``kampungkb purge_uploads [--dry-run] [--days N]``: forget old e-PPGBM uploads and the
files of old exports."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand
from kampungkb.core.submissions import KEEP_DAYS, submitted_forms_prune
from kampungkb.growth.importing.uploads import retention_days, uploads_purge
from kampungkb.growth.jobs.files import file_jobs_purge

# A century: far beyond any retention, and a cutoff the date arithmetic can still compute.
MAX_DAYS = 36500


class Command(TranslatedCommand):
    help = gettext_noop(
        "Remove uploaded e-PPGBM files and their upload records older than the retention "
        "period (KAMPUNGKB_UPLOAD_RETENTION_DAYS), and files of the imports folder that no "
        "upload names; exports (background jobs and their files) of the same age, and files "
        "of the exports folder that no job names. Committed imports keep their record and "
        "audit entries, not the file. "
        "Run it daily (cron or a systemd timer) when no worker runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_noop("List what would be removed; remove nothing."),
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=gettext_noop(
                "Keep uploads younger than this many days (default: the retention setting)."
            ),
        )

    def handle(self, *args, dry_run=False, days=None, **options):
        if days is not None and not 0 <= days <= MAX_DAYS:
            raise CommandError(_("--days must be from 0 to %(max)d.") % {"max": MAX_DAYS})
        days = retention_days() if days is None else days
        result = uploads_purge(days=days, dry_run=dry_run)
        jobs = file_jobs_purge(days=days, dry_run=dry_run)
        # Their own period (not --days): a form sent again after it creates again.
        tokens = submitted_forms_prune(dry_run=dry_run)
        for upload in result.uploads:
            self.stdout.write(
                f"  {upload.sha256}.{upload.ext} ({upload.file_name}, "
                f"{upload.created_at:%Y-%m-%d %H:%M})"
            )
        for job in jobs.jobs:
            self.stdout.write(f"  {job} ({job.download_name})")
        for path in [*result.files, *jobs.files]:
            self.stdout.write(f"  {path}")
        verb = "Akan dihapus / would remove" if dry_run else "Dihapus / removed"
        self.stdout.write(
            f"{verb}: {len(result.uploads)} unggahan / uploads, {len(result.files)} berkas / "
            f"files, lebih lama dari / older than {days} hari / days."
        )
        self.stdout.write(
            f"{verb}: {len(jobs.jobs)} ekspor / exports, {len(jobs.files)} berkas ekspor / "
            f"export files, lebih lama dari / older than {days} hari / days."
        )
        self.stdout.write(
            f"{verb}: {tokens} token formulir / form tokens, lebih lama dari / older than "
            f"{KEEP_DAYS} hari / days."
        )
