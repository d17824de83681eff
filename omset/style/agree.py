"""Participle agreement: the plural participle after vere/verte/bli with a plural subject.

Nynorsk inflects a predicative perfect participle for number: *Husa vart bygde*,
*Bilane er selde*, *Dei har vorte tekne* (weak -a verbs have one form: *kasta*).
Apertium's transfer does so only when the subject stands right before the auxiliary;
after *fleire av dei*, *tre personar*, a relative *som* or *han og ho* it leaves the
singular (``^skade<vblex><pp>/skadd$``).

This layer reads the generated stream (stage 20, tags still present), finds such
participles by their tags, and asks **Apertium's own generator** for the plural form
(``^skade<adj><pp><pl>$`` → ``skadde``, ``^ta<adj><pp><pl>$`` → ``tekne/tatte<v:tek_tar>``),
so every spelling variant is still offered to the style profile's chooser. It never
applies suffix rules of its own.

What counts as a plural subject (:func:`plural_subject`):

* normal order: the noun phrase just before the finite verb of the chain
  (``Dei vart`` / ``Fleire av dei har vorte``); a noun phrase that is the object of a
  preposition is skipped (``fleire **av dei**``: the head is *fleire*; ``ein av dei``
  stays singular); a noun phrase right after a verb is an object, not a subject (no
  verdict);
* inverted order: a noun phrase between the finite verb and the participle
  (``I går vart to personar drepne``);
* a relative *som*: its antecedent (``personane som vart skadde``);
* coordination of two noun phrases with *og* (``Han og ho vart skadde``).

A noun phrase is plural when its head is a plural noun or pronoun, a plural
quantifier (*alle*, *to*, *begge*), or *mange*/*fleire*. Anything unclear gives no
verdict, and nothing changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Sequence, TypeGuard

from ..model import Unit

#: auxiliaries after which a participle agrees with the subject
AUX = frozenset({"vere", "verte", "bli"})
#: plural heads that Apertium tags as adjectives (``mange<adj>…<sp>`` = fleire)
_PLURAL_ADJ = frozenset({"mange", "fleire", "fleste", "mang"})
_NOUNISH = frozenset({"n", "prn", "np", "num", "det"})
_FINITE = frozenset({"pres", "pret"})
_PUNCT = frozenset({"cm", "sent", "lpar", "rpar", "lquot", "rquot", "guio", "apos"})
#: how far the search looks around a participle (units)
_REACH = 12

Generate = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Agreed:
    """A participle made plural: where, the new LU, and why."""

    index: int          # position of the participle among the stream's units
    lu: str             # the new lexical unit, ``^lemma<adj><pp><pl>/form/form<v:x>$``
    reason: str


def _is(u: Unit | None, *tags: str) -> TypeGuard[Unit]:
    return u is not None and len(u.tags) >= len(tags) and u.tags[:len(tags)] == tags


def _word(u: Unit) -> str:
    return u.forms[u.chosen].text if u.forms else u.lemma


def is_participle(u: Unit | None) -> TypeGuard[Unit]:
    """A singular (or unmarked) perfect participle: ``<vblex><pp>`` or a singular
    indefinite ``<adj><pp>`` (what transfer picks when it thinks the subject singular)."""
    if u is None or u.unknown or "#" in u.lemma or " " in u.lemma:
        return False
    if u.tags == ("vblex", "pp"):
        return True
    return _is(u, "adj", "pp") and "sg" in u.tags and "ind" in u.tags


def _adverb(u: Unit | None) -> bool:
    return _is(u, "adv") or _is(u, "preadv")


def _left(units: Sequence[Unit | None], i: int, stop: int) -> int:
    """The first index left of ``i`` that is not an adverb (``stop - 1`` if none)."""
    i -= 1
    while i >= stop and _adverb(units[i]):
        i -= 1
    return i


def _np_number(u: Unit) -> str:
    """``pl``/``sg``/``""``: the number a noun-phrase head says."""
    t = u.tags
    if not t:
        return ""
    if t[0] == "adj":
        return "pl" if u.lemma.lower() in _PLURAL_ADJ else ""
    if t[0] not in _NOUNISH:
        return ""
    if t[0] == "np":
        return "sg"
    if t[0] == "num":
        return "" if _word(u) in ("1", "ein", "eitt", "ei") else "pl"
    if "pl" in t:
        return "pl"
    if "sg" in t:
        return "sg"
    return ""


def _boundary(u: Unit) -> bool:
    """Can a subject follow this unit? Punctuation and conjunctions only: after a verb
    the phrase is an object, after an adverb the order is not subject-first."""
    return bool(u.tags) and (u.tags[0] in _PUNCT or u.tags[0] in ("cnjsub", "cnjcoo", "cnjadv"))


def _np_head(u: Unit | None) -> TypeGuard[Unit]:
    if u is None or not u.tags:
        return False
    return u.tags[0] in _NOUNISH or (u.tags[0] == "adj" and u.lemma.lower() in _PLURAL_ADJ)


def _np_start(units: Sequence[Unit | None], head: int, stop: int) -> int:
    """Index of the first unit of the noun phrase ending at ``head``."""
    i = head
    while i - 1 >= stop:
        prev = units[i - 1]
        if prev is None:
            break
        if prev.tags[:1] in (("det",), ("adj",), ("num",)):
            i -= 1
        elif i - 2 >= stop and _is(units[i], "adj") and _is(units[i - 2], "adj") and (
                _is(prev, "cm") or (_is(prev, "cnjcoo") and prev.lemma.lower() == "og")):
            i -= 2                          # «kalde og tørre vintrar»: one phrase
        else:
            break
    return i


def _subject(units: Sequence[Unit | None], head: int, stop: int, *,
             check_left: bool) -> tuple[str, int]:
    """The number of the noun phrase whose head is at ``head`` and where the phrase it
    belongs to starts, after joining ``X, Y og Z`` and skipping prepositional objects
    (``fleire av dei``, ``ein tur til Molde og Ålesund``).

    With ``check_left``, a phrase preceded by anything but punctuation or a conjunction
    (a verb: it is an object) gives no verdict.
    """
    coordinated = False
    for _ in range(8):
        start = _np_start(units, head, stop)
        before = units[start - 1] if start - 1 >= stop else None
        left = start - 2
        if _is(before, "pr"):               # «fleire av dei»: the object of «av»
            if left < stop or not _np_head(units[left]):
                return "", start
            head, coordinated = left, False
            continue
        if left >= stop and _np_head(units[left]) and (
                (_is(before, "cnjcoo") and "clb" not in before.tags
                 and before.lemma.lower() == "og" and not coordinated)
                or (coordinated and _is(before, "cm"))):
            head, coordinated = left, True  # «han og ho», «A, B og C»
            continue
        if check_left and before is not None and not _boundary(before):
            return "", start                # «såg bilane vart»: an object, or unclear
        head_unit = units[head]
        assert head_unit is not None        # callers and the loop pass noun-phrase heads only
        return ("pl" if coordinated else _np_number(head_unit)), start
    return "", head


def _governs(u: Unit | None) -> bool:
    """Does the unit after a participle make agreement doubtful? An object or another
    verb form (``blir gitt høve``, ``blir foreslått auka``, ``blir fått kjøpt``)."""
    return u is not None and bool(u.tags) and (
        u.tags[0] in ("vblex", "n", "det", "num", "np", "prn") or u.tags[:2] == ("adj", "pp"))


def _subject_before(units: Sequence[Unit | None], verb: int, stop: int) -> bool:
    """Is there a noun phrase right before the finite verb (not a prepositional phrase)?
    Then it is the subject, and a phrase after the verb is predicative
    («årsaka var auka kostnader»), not an inverted subject."""
    k = _left(units, verb, stop)
    if k < stop or not _np_head(units[k]):
        return False
    start = _np_start(units, k, stop)
    return not (start - 1 >= stop and _is(units[start - 1], "pr"))


def plural_subject(units: Sequence[Unit | None], p: int) -> tuple[int, int, int] | None:
    """If the participle at ``p`` follows vere/verte/bli whose subject is plural, the
    indices (first and last unit of the subject, auxiliary); otherwise ``None``."""
    stop = max(0, p - _REACH)
    i = _left(units, p, stop)
    if i < stop:
        return None
    u = units[i]
    if _np_head(u):
        # inverted order: «vart to personar skadd», «kan dei bli skadd»
        number, start = _subject(units, i, stop, check_left=False)
        verb = _left(units, start, stop)
        v = units[verb] if verb >= stop else None
        if number == "pl" and _is(v, "vblex") and v.lemma in AUX \
                and any(t in _FINITE for t in v.tags) and not _subject_before(units, verb, stop):
            return start, i, verb
        return None
    if not (_is(u, "vblex") and u.lemma in AUX):
        return None
    aux = i
    # the rest of the verb chain: «har vorte», «kan ha vorte», «skal bli», «kan dei bli»
    j, chain = aux, u
    while "pp" in chain.tags or "inf" in chain.tags:
        k = _left(units, j, stop)
        if k < stop:
            return None
        nxt = units[k]
        if _is(nxt, "vblex") or _is(nxt, "vbmod") or _is(nxt, "vaux"):
            j, chain = k, nxt
            continue
        if _np_head(nxt):               # an inverted subject inside the chain
            number, start = _subject(units, k, stop, check_left=False)
            verb = _left(units, start, stop)
            v = units[verb] if verb >= stop else None
            if v is not None and v.tags[:1] in (("vblex",), ("vbmod",), ("vaux",)):
                return (start, k, aux) if number == "pl" else None
        return None
    k = _left(units, j, stop)
    if k < stop:
        return None
    before = units[k]
    if _is(before, "cnjsub") and before.lemma.lower() == "som":
        k = _left(units, k, stop)                # the antecedent of «som»
        antecedent = units[k] if k >= stop else None
        if _np_head(antecedent) and _np_number(antecedent) == "pl":
            return k, k, aux
        return None
    if not _np_head(before):
        return None
    number, start = _subject(units, k, stop, check_left=True)
    return (start, k, aux) if number == "pl" else None


class Agreement:
    """Finds participles to make plural and generates their forms with Apertium.

    ``generate`` maps a lexical unit without forms (``^skade<adj><pp><pl>$``) to the
    generator's answer (``skadde``); in a translator it is a question to its Engine's
    Nynorsk generator (:meth:`omset.engine.Engine.ask`), which has a deadline and a
    restart of its own.
    """

    def __init__(self, generate: Generate, name: str = ""):
        self._generate = generate
        self._lock = threading.Lock()   # guards the cache only, never a generator call
        self._cache: dict[str, str | None] = {}
        self.name = name

    def plural_forms(self, head: str) -> str | None:
        """The generator's forms for ``head`` (``skade<adj><pp><pl>``), or ``None`` when
        it cannot generate them."""
        with self._lock:
            if head in self._cache:
                return self._cache[head]
        out: str | None = self._generate(f"^{head}$")
        if out is not None:
            out = out.replace("\0", "").strip()
            if not out or out[0] in "#@*" or "^" in out or "$" in out:
                out = None
        with self._lock:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[head] = out
        return out

    def find(self, units: Sequence[Unit | None], lus: Sequence[str]) -> list[Agreed]:
        """The participles among ``units`` (with their LU texts ``lus``) to make plural."""
        found: list[Agreed] = []
        for p, u in enumerate(units):
            if not is_participle(u) or _governs(units[p + 1] if p + 1 < len(units) else None):
                continue
            hit = plural_subject(units, p)
            if hit is None:
                continue
            first, last, aux = hit
            lu = lus[p]
            body = lu[1:-1]
            head_end = body.find("/")
            head = body if head_end < 0 else body[:head_end]
            lemma = head.split("<", 1)[0]
            rest = head[head.rfind(">") + 1:]      # the invariable part of a multiword
            new_head = f"{lemma}<adj><pp><pl>{rest}"
            forms = self.plural_forms(new_head)
            if forms is None:
                continue
            if {f.split("<", 1)[0] for f in forms.split("/")} <= {f.raw for f in u.forms}:
                continue                            # «kasta»: the plural is the same word
            subject = " ".join(_word(w) for w in units[first:last + 1] if w is not None)
            aux_unit = units[aux]
            assert aux_unit is not None     # plural_subject found a verb there
            reason = (f"agreement{' ' + self.name if self.name else ''}: plural subject "
                      f"«{subject}» with «{_word(aux_unit)}»; "
                      f"plural participle from Apertium's generator ({lemma}<adj><pp><pl>)")
            found.append(Agreed(p, f"^{new_head}/{forms}$", reason))
        return found
