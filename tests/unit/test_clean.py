import pytest

from omset.errors import InputError
from omset.languages import direction, normalize
from omset.text.clean import decode_utf8, strip_controls
from omset.errors import UnsupportedLanguage


def test_bad_utf8_reports_byte_offset():
    with pytest.raises(InputError, match="offset 13"):
        decode_utf8("Hei på".encode() + b"\xff", offset=6)


def test_strip_controls_counts_and_keeps_tab_newline():
    assert strip_controls("a\x00b\tc\nd\x1b\x7f") == ("ab\tc\nd", 3)


@pytest.mark.parametrize("code,expected", [("nb", "nb"), ("NOB", "nb"), ("nno", "nn"), ("nn", "nn")])
def test_language_aliases(code, expected):
    assert normalize(code) == expected


@pytest.mark.parametrize("code", ["en", "sv", "", "nynorsk"])
def test_unknown_language_is_rejected(code):
    with pytest.raises(UnsupportedLanguage):
        normalize(code)


def test_same_language_twice_is_rejected():
    with pytest.raises(UnsupportedLanguage):
        direction("nb", "nob")
