"""Server helpers that need no pipelines: error shapes, request checks, names, keys."""

from __future__ import annotations

import pytest

from omset.server.compat import apy_mode
from omset.server.documents import content_disposition, output_name
from omset.server.errors import ApiError, error_body, family_of
from omset.server.limits import _check_body, _check_query, check_text
from omset.server.settings import Settings, read_api_keys


@pytest.mark.parametrize("path, query, family", [
    ("/v1/translate", b"", "omset"), ("/healthz", b"", "omset"),
    ("/translate", b"langpair=nob|nno&q=x", "apy"), ("/translate", b"", "lt"),
    ("/listPairs", b"", "apy"), ("/identifyLang", b"", "apy"), ("/languages", b"", "lt"),
    ("/detect", b"", "lt"),
])
def test_family_of(path, query, family):
    assert family_of(path, query) == family


def test_error_shapes():
    assert error_body(400, "bad", "lt") == {"error": "bad"}
    assert error_body(413, "big", "omset") == {"error": "big", "status": 413}
    assert error_body(400, "bad", "apy") == {"status": "error", "code": 400,
                                             "message": "Bad Request", "explanation": "bad"}


def test_body_and_query_checks():
    assert _check_body(b'{"text": "h\xc3\xa6"}', "application/json") is None
    assert "UTF-8" in _check_body(b"\xff", "application/json")
    assert "NUL" in _check_body(b"a\x00", "text/plain")
    assert _check_body(b"\xff\x00", "multipart/form-data; boundary=x") is None
    assert "NUL" in _check_body(b"q=a%00b", "application/x-www-form-urlencoded")
    assert "UTF-8" in _check_query(b"q=%ff")
    assert _check_query(b"q=%C3%A6+b") is None


def test_check_text():
    assert check_text("fine", "omset") == "fine"
    for bad in ("a\0b", "a\ud800", 5):
        with pytest.raises(ApiError) as exc:
            check_text(bad, "lt")
        assert exc.value.status == 400 and exc.value.family == "lt"


@pytest.mark.parametrize("pair, expected", [
    ("nob|nno", "nob-nno"), ("nob|nno_e", "nob-nno_e"), ("nno|nob", "nno-nob"),
    ("nb|nn", "nob-nno"), ("nb|nn_e", "nob-nno_e"), ("NB|NNO", "nob-nno"),
    ("nob|nno_x", "nob-nno"), ("nno_e|nno", "nno_e-nno"), ("nno|nno_e", "nno-nno_e"),
])
def test_apy_pairs(pair, expected):
    # APy's reading: 639-1 codes become 639-3, a variant not installed falls back
    assert apy_mode(pair) == expected


@pytest.mark.parametrize("pair, why", [
    ("eng|spa", "not installed"), ("nob", "invalid"), ("nob|nob", "not installed"),
    ("a|b|c", "invalid"), ("typomode", "invalid")])
def test_apy_bad_pairs(pair, why):
    with pytest.raises(ApiError) as exc:
        apy_mode(pair)
    assert exc.value.status == 400 and exc.value.family == "apy" and why in exc.value.message


def test_output_names_are_harmless():
    assert output_name("sak.docx", "docx", "nn") == "sak.nn.docx"
    assert output_name("../../etc/passwd", "text", "nb") == "passwd.nb.txt"
    assert output_name("C:\\x\\rapport.md", "markdown", "nn") == "rapport.nn.md"
    assert output_name(None, "text", "nn") == "document.nn.txt"
    assert 'filename="a_.txt"' in content_disposition('a".txt')
    assert "filename*=UTF-8''s%C3%A6r.txt" in content_disposition("sær.txt")


def test_api_key_file(tmp_path):
    f = tmp_path / "keys"
    f.write_text("# comment\n\n  one  \ntwo\n", encoding="utf-8")
    assert read_api_keys(f) == frozenset({"one", "two"})
    f.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_api_keys(f)


def test_settings_loopback():
    assert Settings(host="127.0.0.1").loopback and Settings(host="localhost").loopback
    assert not Settings(host="0.0.0.0").loopback
