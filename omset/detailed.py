"""Per-word detail of a translation (:meth:`Translator.translate_detailed`): which
layer made each word what it is, its alternatives, and the source word it translates.

The engine tells us where each generated unit landed (word-bound blanks around the
chosen forms), the style layer why it chose a form, the glossary and protection which
spans they placed; post-edit rules run last, so their rewrites are carried over onto
the tokens by a word diff. The source word of every other token comes from
:func:`omset.align.align`, the same alignment the rules' ``src`` context reads.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from .align import align, diff
from .model import Part, Protected, Unit
from .result import Change, Token
from .text.protect import join
from .text.tokens import WORD

__all__ = ["tokens_of", "attach_sources"]


def tokens_of(text: str, parts: Sequence[Part], units: Sequence[Unit] | None,
              spans: Mapping[int, tuple[int, int]], rule_changes: Sequence[Change],
              offset: int) -> list[Token]:
    """The tokens of one translated chunk.

    ``parts`` is the engine's answer (protected spans still marked), ``units`` the
    style layer's chosen units and ``spans`` where each unit landed in the answer's
    text; ``text`` is the chunk after post-edit rules, whose ``rule_changes`` made the
    difference. ``offset`` is where the chunk starts in its segment.
    """
    engine_text = join(parts)
    tokens: list[Token] = []
    if units is None:  # no generation step (nn→nb): words only
        tokens = [Token(m.group(), m.start()) for m in WORD.finditer(engine_text)]
    else:
        for i, unit in enumerate(units):
            if i not in spans:
                continue
            s, e = spans[i]
            surface = engine_text[s:e]
            if not surface.strip():
                continue
            changes = []
            if unit.agree_reason:
                changes.append(Change("agree", unit.agreed_from, unit.forms[unit.chosen].text,
                                      unit.agree_reason))
            elif unit.chosen != unit.default:
                changes.append(Change("profile", unit.forms[unit.default].text,
                                      unit.forms[unit.chosen].text, unit.reason))
            tokens.append(Token(surface, s, None, unit.alternatives, unit.unknown, changes))
    pos = 0
    for p in parts:  # protected spans and glossary terms
        if isinstance(p, str):
            pos += len(p)
            continue
        if isinstance(p, Protected):
            changes = [Change("glossary", p.original, p.text, "glossary term")] \
                if p.kind == "glossary" and p.original != p.text else []
            tokens.append(Token(p.text, pos, p.original or p.text, [], False, changes))
        pos += len(p.text)
    tokens.sort(key=lambda t: t.start)
    if text != engine_text:
        tokens = _retokenize(engine_text, text, tokens, rule_changes)
    for t in tokens:
        t.start += offset
    return tokens


def attach_sources(source: str, tokens: list[Token]) -> None:
    """Fill ``Token.source`` where no layer knew it, by aligning with the source text."""
    if all(t.source is not None for t in tokens):
        return
    for tok, src in zip(tokens, align(source, [t.text for t in tokens])):
        if tok.source is None:
            tok.source = src


def _retokenize(before: str, after: str, tokens: list[Token],
                changes: Sequence[Change]) -> list[Token]:
    """Carry tokens over a post-edit rewrite: unchanged words keep their data, rewritten
    ones get the rule's change."""
    old = [(m.start(), m.group()) for m in WORD.finditer(before)]
    new = [(m.start(), m.group()) for m in WORD.finditer(after)]
    by_start = {t.start: t for t in tokens}
    reasons = {(c.before.lower(), c.after.lower()): c for c in changes}
    out: list[Token] = []
    for op, i1, i2, j1, j2 in diff([w for _, w in old], [w for _, w in new]):
        if op == "equal":
            for (os_, _), (ns, nw) in zip(old[i1:i2], new[j1:j2]):
                t = by_start.get(os_)
                if t is not None:
                    t.start = ns
                    out.append(t)
                else:
                    out.append(Token(nw, ns))
            continue
        before_words = " ".join(w for _, w in old[i1:i2])
        if op == "delete":  # a rule deleted words: a zero-width token says so
            at = new[j1][0] if j1 < len(new) else len(after)
            ch = reasons.get((before_words.lower(), ""))
            out.append(Token("", at, before_words, [], False,
                             [ch or Change("rule", before_words, "", "post-edit rule")]))
            continue
        for ns, nw in new[j1:j2]:
            ch = reasons.get((before_words.lower(), " ".join(w for _, w in new[j1:j2]).lower()))
            out.append(Token(nw, ns, None, [], False,
                             [ch or Change("rule", before_words, nw, "post-edit rule")]))
    return out
