"""``omset style learn --language nb``: a Bokmål profile from a house sample."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

err = Console(stderr=True)


def learn_bokmal(text: str, output: Path, name: str, description: str, min_count: int) -> None:
    """Count the sample with Apertium's Bokmål analyser, write the profile and say why."""
    from .engine.engine import Engine
    from .style.learn_nb import count

    with Engine("nb", "nn") as engine:
        ev = count(text.splitlines(), lambda s: engine.ask("analyser", s))
    prof = ev.profile(name, description, min_count)
    output.write_text(prof.to_toml(), encoding="utf-8")
    a, en = sum(ev.a.values()), sum(ev.en.values())
    err.print(f"{ev.words} words; definite singular of feminine nouns: {a} with -a, {en} with -en; "
              f"feminine = {prof.feminine}"
              + (f" ({len(prof.feminine_a)} nouns with -a)" if prof.feminine == "lemmas" else "")
              + f"; wrote {output}", highlight=False)
