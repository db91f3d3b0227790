"""The web workspace: sign-in, queue, review, search, cross-reference, dashboard."""
