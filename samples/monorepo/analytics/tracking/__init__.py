"""Product analytics events and counters."""
