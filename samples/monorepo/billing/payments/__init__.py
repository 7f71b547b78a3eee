"""Payment gateways and the processor that charges invoices."""
