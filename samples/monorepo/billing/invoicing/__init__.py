"""Invoices and the ledger they are posted to."""
