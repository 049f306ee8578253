"""Load generator and benchmarks (``make bench``); never part of ``make test``."""
