"""The omset configurations the quality benchmark (bench/quality.py) compares.

A *system* turns a list of Bokmål segments into a list of Nynorsk segments, one output
per input. To add one, add an entry to ``REGISTRY`` (a name and a factory returning a
context manager that yields the callable), or describe an omset configuration on the
command line: ``--system NAME=style:nynorsk-news,pref:også_òg,variant:a,agree:on,gender:fix``
(the keys are the Translator's options, ``pref`` may repeat, ``agree`` is ``on``/``off``,
``gender`` one of ``off``/``fix``/``strong``/``full``).
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from omset import Translator  # noqa: E402
from omset.style.agree import GENDER_LEVELS  # noqa: E402
from omset.style.choose import Chooser  # noqa: E402

System = Callable[[list[str]], list[str]]
Factory = Callable[[], AbstractContextManager[System]]


@contextmanager
def translator_system(source: str = "nb", target: str = "nn", **options: object) -> Iterator[System]:
    """An omset Translator (nb→nn unless told) with these options, warmed up, closed
    afterwards."""
    with Translator(source, target, **options) as tr:  # type: ignore[arg-type]
        tr.warm_up()

        def system(texts: list[str]) -> list[str]:
            return tr.translate_batch(texts)

        # the Apertium preferences the style switches on beyond plain nob-nno_e's own
        # (bench/quality.py checks the regression pairs against Apertium with them on);
        # nno-nob has no preferences
        system.prefs = (sorted(tr.profile.enabled - Chooser.base_prefs)  # type: ignore[attr-defined]
                        if target == "nn" and tr.profile is not None else [])
        yield system


def reverse_system(**options: object) -> AbstractContextManager[System]:
    """An nn→nb omset Translator with these options (``quality.py --reverse``)."""
    return translator_system("nn", "nb", **options)


REGISTRY: dict[str, Factory] = {
    # The engine alone: Apertium's own form choices (must equal `apertium -u nob-nno_e`).
    "omset-core": lambda: translator_system(style="apertium", protect=False, rules=False),
    # Layer by layer, so the gain of each is visible:
    "+profile": lambda: translator_system(style="nynorsk-news", protect=False, rules=False),
    "+protection": lambda: translator_system(style="nynorsk-news", rules=False),
    # What `omset translate` does by default: the nynorsk-news house style, all layers.
    "omset-nynorsk-news": lambda: translator_system(style="nynorsk-news"),
    # The default with participle agreement switched on (omset.style.agree):
    "+agreement": lambda: translator_system(style="nynorsk-news", agreement=True),
    # … and gender agreement of singular subjects at each level (docs/style.md):
    "+gender-fix": lambda: translator_system(style="nynorsk-news", gender="fix"),
    "+gender-strong": lambda: translator_system(style="nynorsk-news", gender="strong"),
    "+gender-full": lambda: translator_system(style="nynorsk-news", gender="full"),
}
DEFAULT = ["omset-core"]

#: nn→nb systems (``bench/quality.py --reverse``)
REVERSE: dict[str, Factory] = {
    # The engine alone with Apertium's own Bokmål forms (must equal `apertium -u nno-nob`).
    "omset-nb-core": lambda: reverse_system(style="bokmal-konservativ", protect=False,
                                            rules=False),
    # Layer by layer: the default Bokmål profile's form choices, then protection:
    "+bokmal-profile": lambda: reverse_system(style="bokmal", protect=False, rules=False),
    "+bokmal-protection": lambda: reverse_system(style="bokmal", rules=False),
    # What `omset translate -s nn -t nb` does by default: bokmal, all layers.
    "omset-bokmal": lambda: reverse_system(style="bokmal"),
    "omset-bokmal-radikal": lambda: reverse_system(style="bokmal-radikal"),
}
REVERSE_DEFAULT = ["omset-nb-core", "omset-bokmal"]


def parse_spec(spec: str, reverse: bool = False) -> tuple[str, Factory]:
    """``NAME=key:value,key:value`` → (name, factory); a bare ``NAME`` is looked up
    in ``REGISTRY`` (``REVERSE`` for nn→nb)."""
    registry = REVERSE if reverse else REGISTRY
    name, sep, opts = spec.partition("=")
    name = name.strip()
    if not sep:
        if name not in registry:
            raise ValueError(f"unknown system {name!r}; known: {', '.join(registry)} "
                             "(or describe one as NAME=style:...,pref:...,variant:...)")
        return name, registry[name]
    options: dict[str, object] = {}
    prefs: list[str] = []
    for item in filter(None, (o.strip() for o in opts.split(","))):
        key, colon, value = item.partition(":")
        if not colon or key not in ("style", "variant", "pref", "agree", "gender") or \
                (key == "agree" and value not in ("on", "off")) or \
                (key == "gender" and value not in GENDER_LEVELS):
            raise ValueError(f"bad option {item!r} in {spec!r}: use style:, variant:, pref:, "
                             f"agree:on|off or gender:{'|'.join(GENDER_LEVELS)}")
        if key == "pref":
            prefs.append(value)
        elif key == "agree":
            options["agreement"] = value == "on"
        else:
            options[key] = value
    if prefs:
        options["prefs"] = tuple(prefs)
    direction = ("nn", "nb") if reverse else ("nb", "nn")
    return name, lambda: translator_system(*direction, **options)
