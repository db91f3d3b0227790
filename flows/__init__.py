"""Prefect flows that compose the nlp stages and hand records to the store.

Prefect is configured before it is first imported, whichever module of this package is used.
"""

from rogatory.settings import get_settings

from .environment import configure_prefect

configure_prefect(get_settings())
