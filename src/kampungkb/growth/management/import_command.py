"""The base of the import commands (``import_measurements``, ``families``' ``import_families``):
the file, ``--dry-run`` and ``--user`` arguments and the lookup of the acting user, said and
checked once."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand


class ImportCommand(TranslatedCommand):
    """An import of a file, checked only with ``--dry-run``, as the system or as ``--user``.

    Subclasses add their own arguments in ``add_import_arguments`` and read the acting user
    (``None`` for the system) with ``acting_user``."""

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_noop("xlsx or csv file"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_noop("Check and count only; write nothing."),
        )
        parser.add_argument(
            "--user",
            default="",
            help=gettext_noop(
                "Import as this user (their area and rights). Default: the system, all areas."
            ),
        )
        self.add_import_arguments(parser)

    def add_import_arguments(self, parser) -> None:
        """The command's own arguments, after the shared ones."""

    def acting_user(self, username: str):
        """The user named by ``--user``, or ``None`` (the system) when none is named; a name
        that matches no user stops the command."""
        if not username:
            return None
        User = get_user_model()
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(_("No such user: %(name)s") % {"name": username}) from None
