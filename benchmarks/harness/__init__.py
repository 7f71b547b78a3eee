"""The benchmark harness behind ``benchmarks/run.py``: measuring, the tools, reporting."""
