"""Audit trail of user actions."""
