"""The ``deterministic`` option reaches the stream from every face: the library, the
service's settings, the CLI and ``omset batch`` (whose resumable runs must still find
the output of runs made before the option existed)."""

from __future__ import annotations

from typer.testing import CliRunner

from omset.batch.options import Options
from omset.cli import app
from omset.engine.stream import ISOLATING_LEAD, ISOLATING_SENTENCES, LEAD, decode_text, encode
from omset.server.engines import Engines


def test_an_isolated_request_carries_fifteen_sentence_ends_that_read_back_as_nothing():
    plain, isolated = encode("Vi kjem."), encode("Vi kjem.", isolate=True)
    assert plain.startswith(LEAD) and not plain.startswith(LEAD * 2)
    assert isolated == LEAD * (ISOLATING_SENTENCES - 1) + plain
    assert ISOLATING_LEAD == LEAD * 15
    # the pipeline echoes the dots; each one before an empty blank is ours
    assert decode_text(isolated) == decode_text(plain) == "Vi kjem."


def test_the_service_is_deterministic_unless_told_otherwise():
    from omset.server import Settings

    assert Settings().deterministic is True
    for deterministic in (False, True):
        engines = Engines(workers=1, timeout=5.0, default_style=None,
                          deterministic=deterministic)
        try:
            assert engines.translator("nb", "nn").deterministic is deterministic
        finally:
            engines.close()


def test_a_batch_run_without_the_option_keeps_its_old_fingerprint():
    plain = Options()
    # the digests omset 8cdf80a (before the option) gave these options: a run started
    # then is resumed, not started over
    assert plain.fingerprint() == "d8a28dbeee38bfd3"
    assert Options(by_line=True, source="nn", target="nb").fingerprint() == "5837fab64fa5e9bc"
    assert plain.translator_kwargs()["deterministic"] is False
    assert Options(deterministic=True).fingerprint() != plain.fingerprint()
    assert Options(deterministic=True).translator_kwargs()["deterministic"] is True


def test_the_commands_offer_the_option():
    runner = CliRunner()
    for command in ("translate", "serve", "batch"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "--deterministic" in result.output, command
    serve = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    assert "--no-deterministic" in serve
