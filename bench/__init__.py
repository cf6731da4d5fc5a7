"""Speed and load benchmarks; run them all with ``python -m bench`` (``make bench``)."""
