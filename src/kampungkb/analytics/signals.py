"""Signals the analytics app sends to the layers above it (which may listen, never be
imported from here)."""

from django.dispatch import Signal

#: Sent after the summaries were rebuilt (inside the caller's transaction, if any): the
#: stunting prevalence, coverage and quality figures per wilayah and period may have changed.
summaries_rebuilt = Signal()
