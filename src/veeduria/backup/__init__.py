"""Backup and restore: one file holding a consistent snapshot of every table, portable across SQLite and
PostgreSQL (``veeduria backup FILE``, ``veeduria restore FILE``; docs/backup.md)."""
