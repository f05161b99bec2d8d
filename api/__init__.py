"""The service, the CLI and the database plumbing: everything a user touches."""
