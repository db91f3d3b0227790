"""Rogatory: offline document intelligence for incoming legal-cooperation requests."""

__version__ = "0.1.0"
