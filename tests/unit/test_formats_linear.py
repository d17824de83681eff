"""Parsing and reassembling a document is linear in its size (issue 12, point 7).

Each input below once took super-linear time (a block of 32k links 128 s, 16k ``<br>``
20 s, 2,000 nested ``[`` in YAML 14 s before failing). An identity translator isolates
the format code; the bounds are generous but far below what the old code took, and
the growth from n to 8n must stay near 8×, not 64×.
"""

from __future__ import annotations

import time
from typing import Sequence

import pytest

from omset.formats import FormatError, translate_document
from omset.model import Part


class Identity:
    source, target = "nb", "nn"

    def translate_parts(self, segments: Sequence[Sequence[Part]], glossary=None) -> list[list[Part]]:
        return [list(s) for s in segments]

    def using(self, glossary=None) -> "Identity":
        return self


def _took(doc: str, fmt: str) -> float:
    start = time.perf_counter()
    out = translate_document(doc.encode(), fmt, Identity())
    took = time.perf_counter() - start
    assert out  # something came back
    return took


@pytest.mark.parametrize("unit", ["<a href=x>Jeg</a> ", "Jeg <br>", "<b> Jeg </b>"])
def test_html_block_with_many_inline_siblings_is_linear(unit):
    _took("<p>" + unit * 500 + "</p>", "html")               # warm up imports
    small = min(_took("<p>" + unit * 2000 + "</p>", "html") for _ in range(3))
    big = min(_took("<p>" + unit * 16000 + "</p>", "html") for _ in range(2))
    assert big < 10 and big < 24 * max(small, 0.03), (small, big)   # 8×: quadratic is 64×


def test_yaml_deep_flow_nesting_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(FormatError, match="nested too deeply"):
        translate_document(("a: " + "[" * 2000 + "\n").encode(), "yaml", Identity())
    with pytest.raises(FormatError, match="nested too deeply"):
        translate_document(("a: " + "{b: " * 2000 + "\n").encode(), "yaml", Identity())
    assert time.perf_counter() - start < 3


def test_yaml_of_ordinary_depth_still_parses():
    from ruamel.yaml import YAML

    doc = "a: " + "[" * 40 + "Jeg kommer" + "]" * 40 + "\n"
    out = translate_document(doc.encode(), "yaml", Identity()).decode()
    assert YAML(typ="safe").load(out) == YAML(typ="safe").load(doc)
