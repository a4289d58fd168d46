"""Long exports (and, later, imports) run by the worker, with a progress page and a download.

``services``: request a job (scoped to the requester's area, audited), claim it, run it while
recording its progress; ``tasks``: the task the worker runs and how a job is started (a small
one at once, in the request); ``selectors``: a job and its file, only for its requester;
``files``: where the files lie and the purge after the retention period; ``views``: the
progress page (htmx polling) and the download.
"""
