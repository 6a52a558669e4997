"""Open data: bulk exports (CSV, JSON Lines, GeoJSON, ClaimReview, SQLite) with a manifest, the data "as of" a
past date from the revision history, the downloads page and the Atom feeds (docs/open-data.md)."""
