"""Provides storage: tables, engine and sessions, the writer lock, the audit chain, migrations."""
