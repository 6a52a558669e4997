"""Primary documents (resolutions, agreements, official replies): stored files and their text per page."""
