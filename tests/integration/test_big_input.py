"""A large text goes through ``omset translate`` streamed, in memory that does not grow
with it (issue 16, section 4). ``bench/big_input.py`` runs 100 MB and 1 GB; here 1.5 MB.

The engine is a stand-in speaking the pipeline protocol (``cat`` in every role,
:mod:`tests.stand_in_cli`): it translates nothing, so the output must be the input byte
for byte, and everything omset does around Apertium runs for real."""

from __future__ import annotations

import random

from tests.stand_in_cli import run


def test_a_large_text_streams_through_the_cli_in_flat_memory(tmp_path, apertium_installed):
    # (the stand-in replaces the programs, but the engine still reads Apertium's modes)
    rng = random.Random(5)
    words = "vi kommer hjem i morgen og flere av dem ble skadet da fastlegen ringte".split()
    paragraphs = []
    while sum(len(p) for p in paragraphs) < 1_500_000:
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 15))).capitalize()
                     + "." for _ in range(rng.randint(1, 6))]
        paragraphs.append(" ".join(sentences) + ("\n\n" if rng.random() < 0.8 else "\n"))
    src, dst = tmp_path / "big.nb.txt", tmp_path / "big.nn.txt"
    src.write_text("".join(paragraphs), encoding="utf-8")
    code, took, peak, samples = run(["translate", str(src), "-o", str(dst), "--no-rules"],
                                    sample_every=0.1)
    assert code == 0
    assert dst.read_bytes() == src.read_bytes()
    # The text is never held whole: the process stays well under what 1.5 MB would
    # cost as Python lines and segments, and its RSS in the last third of the run is
    # that of the first third (a leak per segment would grow it by megabytes).
    assert peak < 150, peak
    third = max(1, len(samples) // 3)
    assert max(samples[-third:]) <= max(samples[:2 * third]) + 6, samples
