"""Signals through which growth tells the layers above about a change of a child, without
importing them (docs/architecture.md, deliberate exceptions)."""

from django.dispatch import Signal

#: Sent by ``services.child_update`` inside its transaction when a child's date of birth was
#: corrected, with ``child`` (saved, with the new date), ``user`` and ``before`` (the old
#: date). Receivers run in the same transaction: an error undoes the correction with them.
#: ``families`` re-evaluates the child's TPK stages (baduta, balita), which end by age.
child_birth_date_corrected = Signal()
