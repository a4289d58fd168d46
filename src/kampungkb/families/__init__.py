"""Families at risk of stunting (KRS): keluarga, their members per survey round, the KRS rule."""
