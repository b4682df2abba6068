"""Benchmarks, run on demand (not part of the test suite): `python -m bench.<name> --help`."""
