"""The format registry: choosing a format, refusing unknown ones and oversized input."""

from __future__ import annotations

import pytest

from omset.formats import (EXTENSIONS, FORMATS, FormatError, Limits, Options, detect_format,
                           translate_document)


@pytest.mark.parametrize("name, fmt", [("a.HTML", "html"), ("x/y.md", "markdown"),
                                       ("b.pot", "po"), ("c.xlf", "xliff"), ("d.yml", "yaml"),
                                       ("notes", "text"), (None, "text")])
def test_format_by_extension(name, fmt):
    assert detect_format(name) == fmt


def test_explicit_format_wins_and_accepts_extensions():
    assert detect_format("a.txt", "HTML") == "html"
    assert detect_format("a.txt", ".docx") == "docx"
    assert detect_format(None, "yml") == "yaml"


def test_unknown_format_is_refused():
    with pytest.raises(FormatError, match="unknown format"):
        detect_format("a.txt", "pdf")


def test_every_extension_names_a_registered_format():
    assert set(EXTENSIONS.values()) <= set(FORMATS)


def test_oversized_document_is_refused_before_parsing():
    opts = Options(limits=Limits(max_input_bytes=10))
    with pytest.raises(FormatError, match="limit"):
        translate_document(b"x" * 11, "text", translator=None, options=opts)  # type: ignore[arg-type]


def test_text_format_refuses_bad_utf8_with_offset():
    with pytest.raises(FormatError, match="offset 3"):
        translate_document(b"abc\xff", "text", translator=None)  # type: ignore[arg-type]
