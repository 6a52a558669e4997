"""Veeduría: an evidence-based observatory of foreign military presence and cooperation."""

__version__ = "0.1.0"
