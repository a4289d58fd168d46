"""Import of the family survey (BKKBN Pendataan Keluarga exports, xlsx or csv), one row per
family member with the family's columns repeated.

The steps mirror ``growth.importing``: ``headers`` maps the file's columns, ``parse`` reads
the file (:func:`parse.read_rows`, the one reader), ``rows`` turns a row into typed values or
reasons (the cell parsers are growth's), ``planning`` groups the rows into survey rounds,
reports family-level conflicts and decides what to create, replace or leave, ``linking``
matches the children among the members to growth children, ``writing`` writes the rounds in
bulk and ``commit`` is the service. ``report`` writes the rejected rows back out,
``template`` the empty layout.
"""
