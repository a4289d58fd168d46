"""National batch analytics on Dask: ``kampungkb batch zscores|prevalence``.

No Django. ``sources`` plans the partitions of a set of e-PPGBM exports (csv, xlsx, Parquet)
and reads one into typed columns (bad rows kept with their reason); ``compute`` scores a
partition with ``kampungkb.anthro`` and counts prevalence with ``anthro.summaries``, the rules
the web summaries count with; ``run`` runs the same functions in one process or on a Dask
cluster; ``cli`` is the command.
"""
