"""Batch pipelines that replay recorded usage."""
