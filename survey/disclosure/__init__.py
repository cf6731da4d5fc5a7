"""Disclosure control: the one place that decides what may be published, and in what form.

The attacker model and the rules that follow from it are written in
``docs/methodology.md`` ("Disclosure control"); every page, API answer, report and
export goes through this package.
"""
