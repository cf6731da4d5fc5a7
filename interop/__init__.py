"""Interoperability with other survey tools.

``interop.codebook`` gives every instrument version one set of question and answer
codes; ``interop.export`` writes an instrument in the import formats of LimeSurvey,
KoboToolbox/ODK (XLSForm) and Qualtrics and as a codebook; ``interop.ingest`` reads
what those tools (and Microsoft Forms) export back into canonical answers;
``interop.engine`` is the one adapter through which the analyses reach the scoring,
disclosure, benchmark and report code. See ``docs/interoperability.md``.
"""
