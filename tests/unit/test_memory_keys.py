"""Normalisation, tokens, keys and the fuzzy score."""

from __future__ import annotations

from omset.memory import fuzzy
from omset.memory.keys import key, normalise, source_key, terms, tokens


def test_normalise_spacing_and_unicode():
    assert normalise("  Å  være\n\tder ") == "Å være der"
    assert normalise("A\u030a") == "Å"   # NFC


def test_tokens_keep_numbers_and_hyphenated_words_whole():
    assert tokens("Prisen steg 3,5 % til 1.200 kr i e-post-saken.") == [
        "Prisen", "steg", "3,5", "%", "til", "1.200", "kr", "i", "e-post-saken", "."]
    assert terms("Han og HAN og hun.") == {"han", "og", "hun"}


def test_keys_are_unambiguous_and_direction_bound():
    assert key("ab", "c") != key("a", "bc")
    assert source_key("nb", "nn", "Hei  du.") == source_key("nb", "nn", "Hei du.")
    assert source_key("nb", "nn", "Hei.") != source_key("nn", "nb", "Hei.")


def test_similarity_is_word_level():
    a = tokens("Regjeringen bevilger 300 millioner kroner.")
    b = tokens("Regjeringen bevilger 350 millioner kroner.")
    assert fuzzy.similarity(a, b) == 1 - 1 / 6
    assert fuzzy.similarity(a, tokens("Noe helt annet her i dag."), 0.75) == 0.0
    assert fuzzy.possible(10, 12, 0.75) and not fuzzy.possible(4, 12, 0.75)
