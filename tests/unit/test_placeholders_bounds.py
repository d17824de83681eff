"""Placeholder parsing stays bounded (issue 12, points 6 and 7): selectors nested a
thousand deep give a translation, not a RecursionError, and unmatched braces cost
linear time. An identity translator shows what the parsing alone does."""

from __future__ import annotations

import time
from typing import Sequence

from omset.formats.placeholders import MAX_DEPTH, placeholders_of, split, translate_messages
from omset.model import Part


class Identity:
    def __init__(self) -> None:
        self.segments = 0

    def translate_parts(self, segments: Sequence[Sequence[Part]]) -> list[list[Part]]:
        self.segments += len(segments)
        return [list(s) for s in segments]


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def test_icu_plurals_nested_a_thousand_deep_come_back_whole():
    msg = "{a, plural, one {Jeg " * 1000 + "kommer" + "} other {hjem}}" * 1000
    tr = Identity()
    out, took = _timed(translate_messages, tr, [msg])
    assert out == [msg] and took < 5
    assert tr.segments <= 2 * MAX_DEPTH + 2      # the deep rest travels as one placeholder
    assert "".join(placeholders_of(msg)).count("{") > 0


def test_fluent_selectors_nested_a_thousand_deep_come_back_whole():
    msg = "{ $n ->\n  *[other] Jeg " * 1000 + "kommer" + "\n}" * 1000
    out, took = _timed(translate_messages, Identity(), [msg])
    assert out == [msg] and took < 5


def test_unmatched_braces_are_linear():
    small, t_small = _timed(split, "{" * 20_000 + " Jeg kommer")
    big, t_big = _timed(split, "{" * 200_000 + " Jeg kommer")
    assert "".join(p if isinstance(p, str) else p.text for p in big) == "{" * 200_000 + " Jeg kommer"
    assert t_big < 5 and t_big < 40 * max(t_small, 0.01)   # 10× input: far from 100× time
    out, took = _timed(translate_messages, Identity(), ["{" * 55_000 + "x}" * 3])
    assert out == ["{" * 55_000 + "x}" * 3] and took < 3
