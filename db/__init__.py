"""Database layer: numbered SQL migrations and the connection module."""
