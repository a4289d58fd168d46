"""Yearly activity plans of a Kampung KB or an OPD, their activities and realisation."""
