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
from .choose import parse_unit

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


def _fits(det: Unit, head: Unit | None) -> bool:
    """Can the determiner belong to the phrase of ``head``? Not the expletive *det*
    («var det førre veke meldt»), nor one whose gender the head contradicts."""
    if "expl" in det.tags:
        return False
    if head is None:
        return True
    genders = {"m", "f", "mf", "nt"}
    mine, its = set(det.tags) & genders, set(head.tags) & genders
    return not (mine and its and ("nt" in mine) != ("nt" in its))


def _np_start(units: Sequence[Unit | None], head: int, stop: int) -> int:
    """Index of the first unit of the noun phrase ending at ``head``."""
    i = head
    while i - 1 >= stop:
        prev = units[i - 1]
        if prev is None:
            break
        if prev.tags[:1] in (("adj",), ("num",)) or "cmp" in prev.tags or (
                _is(prev, "det") and _fits(prev, units[head])):
            i -= 1                          # (a <cmp> unit: the first part of a compound)
        elif i - 2 >= stop and _is(units[i], "adj") and _is(units[i - 2], "adj") and (
                _is(prev, "cm") or (_is(prev, "cnjcoo") and prev.lemma.lower() == "og")):
            i -= 2                          # «kalde og tørre vintrar»: one phrase
        else:
            break
    return i


def _subject(units: Sequence[Unit | None], head: int, stop: int, *,
             check_left: bool) -> tuple[str, int, int]:
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
                return "", start, head
            head, coordinated = left, False
            continue
        if left >= stop and _np_head(units[left]) and (
                (_is(before, "cnjcoo") and "clb" not in before.tags
                 and before.lemma.lower() == "og" and not coordinated)
                or (coordinated and _is(before, "cm"))):
            head, coordinated = left, True  # «han og ho», «A, B og C»
            continue
        if check_left and before is not None and not _boundary(before):
            return "", start, head          # «såg bilane vart»: an object, or unclear
        head_unit = units[head]
        assert head_unit is not None        # callers and the loop pass noun-phrase heads only
        return ("pl" if coordinated else _np_number(head_unit)), start, head
    return "", head, head


def _governs(u: Unit | None) -> bool:
    """Does the unit after a participle make agreement doubtful? An object or another
    verb form (``blir gitt høve``, ``blir foreslått auka``, ``blir fått kjøpt``), or a
    word Apertium does not know (mostly a noun the participle stands before)."""
    return u is not None and (u.unknown or bool(u.tags) and (
        u.tags[0] in ("vblex", "n", "det", "num", "np", "prn") or u.tags[:2] == ("adj", "pp")))


def _subject_before(units: Sequence[Unit | None], verb: int, stop: int) -> bool:
    """Is there a noun phrase right before the finite verb (not a prepositional phrase)?
    Then it is the subject, and a phrase after the verb is predicative
    («årsaka var auka kostnader»), not an inverted subject."""
    k = _left(units, verb, stop)
    if k < stop or not _np_head(units[k]):
        return False
    start = _np_start(units, k, stop)
    return not (start - 1 >= stop and _is(units[start - 1], "pr"))


@dataclass(frozen=True)
class Subject:
    """The subject a predicative participle agrees with: its first, last and head units,
    the auxiliary (a form of vere/verte/bli), its number (``pl``/``sg``) and, in the
    singular, its gender (``mf``/``nt``; ``""`` when the tags do not say)."""

    start: int
    end: int
    head: int
    aux: int
    number: str
    gender: str = ""


def _np_gender(u: Unit) -> str:
    """``mf``/``nt``/``""``: the gender a singular noun-phrase head says. Names say it
    only when Apertium tags them as persons (``<np><ant><f>``); a place or an
    organisation may be either."""
    t = set(u.tags)
    if not u.tags or u.tags[0] not in ("n", "prn", "det", "np"):
        return ""
    if u.tags[0] == "np" and "ant" not in t:
        return ""
    if "nt" in t:
        return "nt"
    if t & {"m", "f", "mf"}:
        return "mf"
    return ""


def _found(units: Sequence[Unit | None], span: tuple[int, int], head: int, aux: int,
           number: str) -> Subject | None:
    if number not in ("pl", "sg"):
        return None
    head_unit = units[head]
    assert head_unit is not None        # callers pass noun-phrase heads only
    gender = _np_gender(head_unit) if number == "sg" else ""
    if gender and head_unit.tags[0] == "n" and any(
            _np_head(w) and _np_number(w) == "pl" for w in units[head + 1:span[1] + 1]):
        gender = ""                     # «ein del av desse vart lauslatne»: either may agree
    return Subject(span[0], span[1], head, aux, number, gender)


def _antecedent(units: Sequence[Unit | None], k: int, stop: int, aux: int) -> Subject | None:
    """The antecedent of a relative *som* ending at ``k``. After a prepositional phrase
    either noun may be meant («tiltaka til befolkninga som er …»): then both must say
    the same number and gender, or there is no verdict."""
    antecedent = units[k] if k >= stop else None
    if not _np_head(antecedent):
        return None
    found = _found(units, (k, k), k, aux, _np_number(antecedent))
    start = _np_start(units, k, stop)
    if found is not None and start - 2 >= stop and _is(units[start - 1], "pr"):
        other = units[start - 2]
        if _np_head(other):
            number = _np_number(other)
            if (number, _np_gender(other) if number == "sg" else "") != (found.number, found.gender):
                return None
    return found


def _inverted(units: Sequence[Unit | None], head: int, verb: int, stop: int) -> bool:
    """Can the phrase with ``head`` after the finite ``verb`` be its inverted subject? Not
    in a relative clause, whose subject is *som* («lovbrot som vart påtale·avgjord»: a
    compound Apertium split), nor when it is a bare determiner («som er den desidert
    mest selde»), unless that is the expletive *det*."""
    k = _left(units, verb, stop)
    before = units[k] if k >= stop else None
    if _is(before, "cnjsub") and before.lemma.lower() == "som":
        return False
    u = units[head]
    return u is not None and not (u.tags[0] == "det" and "expl" not in u.tags)


def subject_of(units: Sequence[Unit | None], p: int) -> Subject | None:
    """The subject of the vere/verte/bli chain the participle at ``p`` completes, or
    ``None`` when there is no such chain or its subject is unclear."""
    stop = max(0, p - _REACH)
    i = _left(units, p, stop)
    if i < stop:
        return None
    u = units[i]
    if _np_head(u):
        # inverted order: «vart to personar skadd», «kan dei bli skadd»
        number, start, head = _subject(units, i, stop, check_left=False)
        verb = _left(units, start, stop)
        v = units[verb] if verb >= stop else None
        if _is(v, "vblex") and v.lemma in AUX and any(t in _FINITE for t in v.tags) \
                and not _subject_before(units, verb, stop) and _inverted(units, head, verb, stop):
            return _found(units, (start, i), head, verb, number)
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
            number, start, head = _subject(units, k, stop, check_left=False)
            verb = _left(units, start, stop)
            v = units[verb] if verb >= stop else None
            if v is not None and v.tags[:1] in (("vblex",), ("vbmod",), ("vaux",)):
                return _found(units, (start, k), head, aux, number)
        return None
    k = _left(units, j, stop)
    if k < stop:
        return None
    before = units[k]
    if _is(before, "cnjsub") and before.lemma.lower() == "som":
        return _antecedent(units, _left(units, k, stop), stop, aux)
    if not _np_head(before):
        return None
    number, start, head = _subject(units, k, stop, check_left=True)
    return _found(units, (start, k), head, aux, number)


#: how far the gender layer goes (profile key ``gender``), each level including the last:
#: ``fix`` corrects a participle Apertium inflected against the wrong subject (``Huset til
#: mannen er stengd``, ``forslaget blir vedtekne``); ``strong`` makes strong participles
#: agree, as the norm requires (``Boka er skriven``); ``full`` makes weak ones agree too,
#: which the norm allows but does not require (``Døra er stengd`` beside ``stengt``)
GENDER_LEVELS = ("off", "fix", "strong", "full")

#: the generator's question for each form a participle can take
_SHAPES = {"pl": "<adj><pp><pl>", "mf": "<adj><pp><mf><sg><ind>",
           "nt": "<adj><pp><nt><sg><ind>", "sup": "<vblex><pp>"}
_RULES = {"number": "number", "fix": "correction", "strong": "strong participle",
          "full": "full agreement"}
_SAY = {"pl": "plural", "mf": "masculine/feminine singular", "nt": "neuter singular",
        "sup": "supine (uninflected)"}


def participle_kind(u: Unit | None) -> str | None:
    """Which form a participle unit has: ``sup`` (``<vblex><pp>``, the supine, as after
    *ha*), ``mf``/``nt`` (an indefinite singular ``<adj><pp>``: what transfer writes when
    it inflects for a subject it saw), ``pl``; ``None`` for anything else, such as a
    definite, attributive form (``den stengde døra``)."""
    if u is None or u.unknown or "#" in u.lemma or " " in u.lemma:
        return None
    if u.tags == ("vblex", "pp"):
        return "sup"
    if not _is(u, "adj", "pp"):
        return None
    if "pl" in u.tags:
        return "pl"
    if "sg" in u.tags and "ind" in u.tags:
        return "nt" if "nt" in u.tags else "mf"
    return None


class Agreement:
    """Finds predicative participles that do not agree with their subject and generates
    the forms that do with Apertium.

    ``number``: a plural subject makes the participle plural (profile key
    ``agreement``). ``gender``: one of :data:`GENDER_LEVELS` (profile key ``gender``),
    for singular subjects. ``generate`` maps a lexical unit without forms
    (``^skade<adj><pp><pl>$``) to the generator's answer (``skadde``); in a translator
    it is a question to its Engine's Nynorsk generator (:meth:`omset.engine.Engine.ask`),
    which has a deadline and a restart of its own.
    """

    def __init__(self, generate: Generate, name: str = "", *, number: bool = True,
                 gender: str = "off"):
        if gender not in GENDER_LEVELS:
            raise ValueError(f"gender must be one of {', '.join(GENDER_LEVELS)}, not {gender!r}")
        self._generate = generate
        self._lock = threading.Lock()   # guards the cache only, never a generator call
        self._cache: dict[str, str | None] = {}
        self.name = name
        self.number = number
        self.gender = GENDER_LEVELS.index(gender)

    def forms(self, head: str) -> str | None:
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

    def strong(self, lemma: str, rest: str = "") -> bool | None:
        """Is the participle of ``lemma`` strong (``skriven``/``skrive``: the
        masculine/feminine form is the neuter one plus ``-n``, as in every strong
        participle of the norm), by the generator's first forms? ``None`` if it cannot
        say."""
        mf, nt = (self.forms(f"{lemma}{_SHAPES[k]}{rest}") for k in ("mf", "nt"))
        if mf is None or nt is None:
            return None
        # the participle itself, without the invariable part of a multiword («vorten til»)
        first_mf, first_nt = (f.split("/")[0].split("<")[0].split(" ")[0] for f in (mf, nt))
        return first_mf == first_nt + "n"

    def _wanted(self, kind: str, subject: Subject, lemma: str,
                rest: str) -> tuple[str, str] | None:
        """The form the participle should take (a key of ``_SHAPES``) and the rule that
        says so (``number`` or a gender level), or ``None``."""
        if subject.number == "pl":
            return ("pl", "number") if self.number and kind != "pl" else None
        if not self.gender or subject.gender not in ("mf", "nt"):
            return None
        if subject.gender == "nt":              # the neuter form is the supine's
            return ("nt", "fix") if kind in ("mf", "pl") else None
        if kind == "mf":
            return None
        full = self.gender >= GENDER_LEVELS.index("full")
        if kind == "pl":                        # Apertium inflected it for a plural it saw
            strong = self.strong(lemma, rest)
            if strong is None:
                return None
            return ("mf" if strong or full else "sup"), "fix"
        if self.gender < GENDER_LEVELS.index("strong"):
            return None
        strong = self.strong(lemma, rest)
        if strong:
            return "mf", "strong"
        return ("mf", "full") if full and strong is not None else None

    def find(self, units: Sequence[Unit | None], lus: Sequence[str]) -> list[Agreed]:
        """The participles among ``units`` (with their LU texts ``lus``) to inflect."""
        found: list[Agreed] = []
        for p, u in enumerate(units):
            kind = participle_kind(u)
            if kind is None or _governs(units[p + 1] if p + 1 < len(units) else None):
                continue
            assert u is not None            # participle_kind found a unit
            subject = subject_of(units, p)
            if subject is None:
                continue
            body = lus[p][1:-1]
            head_end = body.find("/")
            head = body if head_end < 0 else body[:head_end]
            lemma = head.split("<", 1)[0]
            rest = head[head.rfind(">") + 1:]      # the invariable part of a multiword
            wanted = self._wanted(kind, subject, lemma, rest)
            if wanted is None:
                continue
            want, rule = wanted
            new_head = f"{lemma}{_SHAPES[want]}{rest}"
            forms = self.forms(new_head)
            if forms is None:
                continue
            new_lu = f"^{new_head}/{forms}$"
            if {f.text for f in parse_unit(new_lu).forms} <= {f.text for f in u.forms}:
                continue                            # «kasta»: the form is the same word
            words = " ".join(_word(w) for w in units[subject.start:subject.end + 1] if w is not None)
            aux_unit = units[subject.aux]
            assert aux_unit is not None     # subject_of found a verb there
            said = "plural" if subject.number == "pl" else _SAY[subject.gender]
            reason = (f"agreement{' ' + self.name if self.name else ''} ({_RULES[rule]}): {said} subject "
                      f"«{words}» with «{_word(aux_unit)}»; {_SAY[want]} participle from "
                      f"Apertium's generator ({lemma}{_SHAPES[want]})")
            found.append(Agreed(p, new_lu, reason))
        return found
