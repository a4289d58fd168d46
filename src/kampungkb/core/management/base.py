"""The base of our management commands: their help in the user's language.

A command marks its description and its arguments' help with ``gettext_noop`` (English
message ids, collected by ``make messages``); the parser translates them when it is built,
in the active language (the settings' LANGUAGE_CODE, Indonesian). argparse cannot format
Django's lazy strings, hence the translation at this one point.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext


class TranslatedCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        if self.help:
            self.help = gettext(self.help)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        for action in parser._actions:  # argparse keeps no public list of its arguments
            if isinstance(action.help, str) and action.help:
                action.help = gettext(action.help)
        return parser
