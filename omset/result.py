"""What a detailed translation returns: the text plus, per word, where it came from.

The service, the web editor and ``--explain`` all read these objects; the layers that
change words (engine, style profile, glossary, protection, post-edit rules) fill them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Change:
    """One change a layer made to a word: from ``before`` to ``after``, and why."""

    layer: str            # "profile" | "agree" | "glossary" | "protect" | "rule"
    before: str
    after: str
    reason: str           # e.g. "profile nynorsk-news: også_òg", "rule R17: ..."


@dataclass
class Token:
    """A word (or punctuation) of the output with what we know about it."""

    text: str                                  # the output surface form
    start: int                                 # offset in the segment's output text
    source: str | None = None                  # the source word(s) it translates
    alternatives: list[str] = field(default_factory=list)  # other correct target forms
    unknown: bool = False                      # Apertium did not know the source word
    changes: list[Change] = field(default_factory=list)
    risk: float | None = None                  # 0–1: chance a proofreader edits it (omset.risk)
    flagged: bool = False                      # risk passes the model's flag threshold

    @property
    def changed(self) -> bool:
        """True when the output differs from the source word, ignoring case and a final
        full stop: Apertium reads an ordinal (``12.``) as one word, while the output's
        tokens write its number and its stop apart — the same word, not a change."""
        return self.source is not None and \
            self.source.lower().removesuffix(".") != self.text.lower().removesuffix(".")


@dataclass
class Segment:
    """One translated segment with its tokens."""

    source: str
    text: str
    tokens: list[Token] = field(default_factory=list)
    risk: float | None = None                  # 0–1: rank of expected edits (omset.risk)

    def to_dict(self) -> dict:
        d = asdict(self)
        for t, tok in zip(d["tokens"], self.tokens):
            t["changed"] = tok.changed
        return d
