"""Catin screening (Elsimil-style): versioned thresholds, screenings of a catin target, their
pages and the counts other apps read."""
