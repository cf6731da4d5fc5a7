"""Read other survey tools' response exports into canonical answers.

:func:`interop.ingest.read.read_answers` is the entry point: it reads a file
(:mod:`.table`: encoding, delimiter, CSV/XLSX/Parquet), recognises the tool that wrote
it (:mod:`.layouts`), resolves columns and values through the instrument's codebook
or a mapping file (:mod:`.resolve`, :mod:`.mapping`) and returns one row per answer.
Every problem names the file, the row and the column (:mod:`.problems`).
"""
