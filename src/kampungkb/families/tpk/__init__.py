"""TPK (Tim Pendamping Keluarga): targets, teams, accompaniment visits and their schedule."""
