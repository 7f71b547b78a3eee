"""The accounts service: users, accounts, sessions and permissions."""
