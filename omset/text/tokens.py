"""The one word tokenizer: what a "word" is for post-edit rules, source alignment, the
detailed API, the learners and the benchmarks.

A token is a run of word characters, possibly joined by an inner hyphen or apostrophe
(``Sør-Noreg``, ``Sotheby's``), or any single other non-space character (punctuation).
A full stop always stands alone, so a sentence's final word compares equal to the same
word elsewhere, and ``3.5`` is three tokens, as Apertium itself treats it.
"""

from __future__ import annotations

import re

__all__ = ["WORD", "is_word", "tokens", "words", "lower_words"]

WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts: \w less the underscore


def is_word(text: str) -> bool:
    """Whether ``text`` holds a letter or digit (a word, not punctuation): one regex
    search in C, as it runs on every token the alignment and the risk model see."""
    return _ALNUM.search(text) is not None


def tokens(text: str) -> list[re.Match[str]]:
    """The tokens of ``text`` as regex matches (for their spans)."""
    return list(WORD.finditer(text))


def words(text: str) -> list[str]:
    """The tokens of ``text`` as strings."""
    return WORD.findall(text)


def lower_words(text: str) -> list[str]:
    """The tokens of ``text``, lower-cased (what rules and learners compare)."""
    return [w.lower() for w in WORD.findall(text)]
