"""Rule-based understanding of interview answers (the offline brain's ears).

The pipeline lives in ``agent/reading/`` (cleaning, numbers, typing by nouns, lexicons, bounds); this module
keeps the entry points the rest of Lever uses: ``understand()`` fills the brain contract, ``extract()`` returns
the raw reading, ``normalise_numbers()`` shows how a text's numbers are read.
"""

from __future__ import annotations

from typing import Any

from .brains.base import Understanding
from .reading import Reading, read
from .reading.numbers import mask_names, words_to_digits
from .reading.text import clean

Extraction = Reading  # the name tests and older callers use


def normalise_numbers(text: str) -> str:
    """Lower-case and rewrite number words as digits: 'a couple thousand' -> '2000'."""
    return mask_names(words_to_digits(clean(text).lower()))


def extract(text: str, pending: str | None = None, recent: list[str] | None = None) -> Reading:
    return read(text, pending, None, recent)


def understand(text: str, pending: str | None = None, profile: Any = None,
               recent: list[str] | None = None) -> Understanding:
    """The offline brain's reading of one message, in the contract every brain fills.

    ``profile``: what is known so far; ``recent``: the facts recorded from the previous answer."""
    return read(text, pending, profile, recent)
