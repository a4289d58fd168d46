"""OPD technical coaching of a desa: visits and their follow-ups."""
