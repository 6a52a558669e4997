"""One search over every record type and document page (see docs/search.md)."""
