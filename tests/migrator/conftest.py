"""Fixtures for the migrator tests (git's identity comes from ``tests/conftest.py``)."""
