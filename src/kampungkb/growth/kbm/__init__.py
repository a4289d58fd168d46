"""KBM (Kenaikan Berat Minimal): the tables of minimum monthly weight gain the N/T/O/B and 2T
growth codes are computed with, and the recompute of every measurement that follows a change.

``reference`` holds the source variants and loads them; ``selectors`` reads the tables, the
default one and the recent recomputes; ``services`` chooses the default table and runs a
recorded recompute; ``recompute`` goes over every stored measurement (``recompute_rows`` reads
and computes a chunk of it, ``recompute_write`` writes what changed back); ``tasks`` queues
a recompute in the background; ``views`` is the KBM tables page.
"""
