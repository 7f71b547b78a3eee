"""Onboarding of new accounts."""
