"""The improvement report of a round and the integrity office's sector report.

``content`` builds the report model from anonymised results (pure), ``render`` turns
it into HTML, PDF, XLSX or CSV, ``service`` gathers the inputs and caches the
rendered files in the database, ``sector`` does the same for the sector report, and
``cli`` is the ``survey report`` command.
"""
