"""Storage: the connection pool and in-memory repositories."""
