"""``veeduria publish DIR``: the anonymous site written as static files (see docs/publish.md)."""
