"""Import and export of e-PPGBM "entri pengukuran" files (xlsx, csv).

``headers`` maps the file's columns, ``parse`` reads the file and its cell values (through
``sandbox``, which runs ``reader`` in a child process within ``limits``), ``rows``
turns a row into typed values or reasons, ``wilayah`` finds the desa a row names, ``commit``
is the service that stores a file: ``matching`` finds the child of each row (``places`` its
posyandu and puskesmas), ``planning`` decides and computes what to write, ``writing`` writes
it in bulk (``instances`` builds and looks up model instances by the thousand). ``report``
writes rejected rows back out, ``export`` writes stored measurements in the same template.
"""
