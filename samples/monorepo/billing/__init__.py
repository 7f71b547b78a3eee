"""The billing service: subscriptions, invoices and payments."""
