"""``kampungkb tpk_transition [--date YYYY-MM-DD]``: apply the TPK life-cycle rules (end the
targets whose stage is over, open the next stage). Run it daily (cron or a systemd timer)."""

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand
from kampungkb.families.tpk.services import targets_transition


class Command(TranslatedCommand):
    help = gettext_noop(
        "Apply the TPK life-cycle rules: end the targets whose stage is over (married, "
        "delivered, 42 days after delivery, a child turned 2 or 5) and open the next stage "
        "(pasca persalinan, balita). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help=gettext_noop("The day to apply the rules on (YYYY-MM-DD; today if not given)."),
        )

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else datetime.date.today()
        except ValueError as exc:
            raise CommandError(_("The date must be written YYYY-MM-DD.")) from exc
        if day > datetime.date.today():
            # Stages would end on dates still to come, their next ones opened: no undo.
            raise CommandError(_("The date cannot be after today."))
        ended = targets_transition(user=None, on=day)
        self.stdout.write(_("%(n)d TPK targets ended their stage.") % {"n": ended})
