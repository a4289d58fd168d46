"""Cadres of a desa (TPK, KPM, posyandu...), their trainings and assignments."""
