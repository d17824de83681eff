"""House-style profiles: which Nynorsk forms a publisher uses.

A profile is a small TOML file::

    name = "min-avis"
    description = "Kva vi skriv"
    infinitive = "e"                 # a | e | split (kløyvd infinitiv)
    prefs = ["også_òg", "me_vi"]     # Apertium preferences switched on (omset prefs)

    [lemma_prefs]                    # per lemma: preferences on (or "-name": off) for it only
    komme = ["komme_kome"]           # kome for this verb only
    bli = ["-vart_blei"]             # vart here even if the profile says blei

    [lemmas]                         # per lemma: forms to pick whenever Apertium offers them
    bygge = ["bygge", "bygd"]

    agreement = true                 # plural participle after vere/verte/bli (agree.py)
    gender = "strong"                # singular participles: off | fix | strong | full
    e_infinitive_prefs = ["me_vi"]   # on only with the e-infinitive (as Apertium's modes)

A Bokmål profile (for Nynorsk→Bokmål) says ``language = "nb"`` and chooses before
Apertium's Bokmål generator (:mod:`omset.style.bokmal`)::

    language = "nb"
    feminine = "lemmas"              # a (boka) | en (boken, Apertium's) | lemmas
    feminine_a = ["bok", "jente"]    # with "lemmas": the nouns written with -a
    [lemmas]
    hjem = ["heim"]                  # write this lemma instead, where the generator has it

Profiles decide where Apertium's generator still offers every allowed spelling, never
by replacing strings in the output.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Iterable

from ..errors import OptionError
from .agree import GENDER_LEVELS
from .bokmal import BokmalChooser
from .choose import Chooser

INFINITIVES = ("a", "e", "split")
DEFAULT_PROFILE = "nynorsk-news"
#: the default profile per target language
DEFAULTS = {"nn": DEFAULT_PROFILE, "nb": "bokmal"}


class ProfileError(OptionError):
    """A profile that cannot be used (unknown name, bad TOML, unknown preference)."""


@dataclass(frozen=True)
class Profile:
    """A house style. ``prefs`` excludes the infinitive, which has its own field."""

    name: str
    description: str = ""
    infinitive: str = "e"
    prefs: frozenset[str] = frozenset()
    lemma_prefs: dict[str, frozenset[str]] = field(default_factory=dict)
    lemmas: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: str | None = None          # post-edit rule set shipped with the profile
    source: str = ""                  # where it was loaded from
    names: str | None = None          # keep-list of names shipped with the profile (data/names/)
    agreement: bool = False           # participle agreement layer (omset.style.agree)
    gender: str = "off"               # … for singular subjects: GENDER_LEVELS
    language: str = "nn"              # the target language it chooses forms of
    feminine: str = "en"              # Bokmål: a | en | lemmas (omset.style.bokmal)
    feminine_a: frozenset[str] = frozenset()  # Bokmål, feminine = "lemmas": nouns with -a
    #: switched on only with the e-infinitive: Apertium's nob-nno_e mode selects `vi`
    #: along with `-e` (its e_vi_genprefs stage), its nob-nno mode neither, so the
    #: profile of plain Apertium follows the mode of its infinitive
    e_prefs: frozenset[str] = frozenset()
    #: the description in Nynorsk, for the web editor (whose text is Norwegian); the
    #: command line and the docs show ``description``, in English
    description_nn: str = ""

    @property
    def enabled(self) -> frozenset[str]:
        """All preferences switched on, the infinitive's included."""
        extra = {"e": {"infa_infe"}, "split": {"kløyvd_inf"}, "a": set()}[self.infinitive]
        if self.infinitive == "e":
            extra |= self.e_prefs
        return frozenset(self.prefs | extra)

    def with_options(self, variant: str | None = None, prefs: Iterable[str] = (),
                     agreement: bool | None = None, gender: str | None = None) -> "Profile":
        """This profile with an infinitive, extra preferences and the agreement layer
        switched as the command line says (``None``: as the profile says)."""
        extra = frozenset(prefs)
        infinitive = self.infinitive if variant is None else variant
        agree = self.agreement if agreement is None else agreement
        level = self.gender if gender is None else _level(gender, "Translator")
        if not extra and infinitive == self.infinitive and agree == self.agreement \
                and level == self.gender:
            return self
        return replace(self, infinitive=infinitive, prefs=self.prefs | extra, agreement=agree,
                       gender=level)

    @property
    def agrees(self) -> bool:
        """Does the participle agreement layer run at all?"""
        return self.agreement or self.gender != "off"

    def chooser(self) -> Chooser:
        return Chooser(self.enabled, {k: frozenset(v) for k, v in self.lemma_prefs.items()},
                       self.lemmas, self.name)

    def bokmal_chooser(self) -> BokmalChooser:
        """The chooser of a Bokmål profile (``language = "nb"``)."""
        return BokmalChooser(self.feminine, self.feminine_a,
                             {k: v[0] for k, v in self.lemmas.items() if v}, self.name)

    def validate(self, known: Iterable[str], language: str = "nn") -> None:
        if self.language != language:
            kind = {"nn": "Nynorsk (nb→nn)", "nb": "Bokmål (nn→nb)"}
            raise ProfileError(
                f"profile {self.name!r} is a {kind.get(self.language, self.language)} style, "
                f"not a {kind.get(language, language)} one; `omset styles` lists both")
        known = set(known)
        per_lemma = {p.lstrip("-") for v in self.lemma_prefs.values() for p in v}
        bad = sorted((self.prefs | self.e_prefs | per_lemma) - known)
        if bad:
            raise ProfileError(f"profile {self.name!r}: unknown preference(s) {', '.join(bad)}; "
                               f"`omset prefs` lists them")

    def to_toml(self) -> str:
        import tomli_w

        doc: dict = {"name": self.name, "description": self.description}
        if self.description_nn:
            doc["description_nn"] = self.description_nn
        if self.language == "nb":
            doc["language"] = "nb"
            doc["feminine"] = self.feminine
            if self.feminine_a:
                doc["feminine_a"] = sorted(self.feminine_a)
        else:
            doc["infinitive"] = self.infinitive
            doc["prefs"] = sorted(self.prefs)
            if self.e_prefs:
                doc["e_infinitive_prefs"] = sorted(self.e_prefs)
        if self.rules:
            doc["rules"] = self.rules
        if self.names:
            doc["names"] = self.names
        if self.agreement:
            doc["agreement"] = True
        if self.gender != "off":
            doc["gender"] = self.gender
        if self.lemma_prefs:
            doc["lemma_prefs"] = {k: sorted(v) for k, v in sorted(self.lemma_prefs.items())}
        if self.lemmas:
            doc["lemmas"] = {k: list(v) for k, v in sorted(self.lemmas.items())}
        return tomli_w.dumps(doc)


def from_toml(text: str, source: str = "") -> Profile:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source or 'profile'}: not valid TOML: {exc}") from None
    infinitive = str(doc.get("infinitive", "e"))
    if infinitive not in INFINITIVES:
        raise ProfileError(f"{source or 'profile'}: infinitive must be a, e or split")

    def words(v) -> tuple[str, ...]:
        return tuple(w.lower() for w in ([v] if isinstance(v, str) else v))

    language = str(doc.get("language", "nn"))
    feminine = str(doc.get("feminine", "en"))
    if language not in ("nb", "nn") or feminine not in ("a", "en", "lemmas"):
        raise ProfileError(f"{source or 'profile'}: language must be nb or nn, "
                           "feminine a, en or lemmas")
    return Profile(
        language=language, feminine=feminine,
        feminine_a=frozenset(words(doc.get("feminine_a", []))),
        name=str(doc.get("name") or Path(source).stem or "custom"),
        description=str(doc.get("description", "")),
        description_nn=str(doc.get("description_nn", "")),
        infinitive=infinitive,
        prefs=frozenset(doc.get("prefs", [])),
        e_prefs=frozenset(doc.get("e_infinitive_prefs", [])),
        lemma_prefs={k.lower(): frozenset(words(v)) for k, v in doc.get("lemma_prefs", {}).items()},
        lemmas={k.lower(): words(v) for k, v in doc.get("lemmas", {}).items()},
        rules=doc.get("rules"),
        source=source,
        names=doc.get("names"),
        agreement=_flag(doc.get("agreement", False), "agreement", source),
        gender=_level(doc.get("gender", "off"), source or "profile"),
    )


def _level(value: object, source: str) -> str:
    if value not in GENDER_LEVELS:
        raise ProfileError(f"{source}: gender must be one of {', '.join(GENDER_LEVELS)}")
    return str(value)


def _flag(value: object, key: str, source: str) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(f"{source or 'profile'}: {key} must be true or false")
    return value


def builtin_names() -> list[str]:
    files = resources.files("omset.style").joinpath("builtin")
    return sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml"))


def load(style: "str | Path | Profile | None", language: str = "nn") -> Profile:
    """A profile by built-in name, by path to a TOML file, or as given (``None``: the
    default profile for the target ``language``)."""
    if isinstance(style, Profile):
        return style
    name = str(style or DEFAULTS.get(language, DEFAULT_PROFILE))
    if name in builtin_names():
        text = resources.files("omset.style").joinpath("builtin", f"{name}.toml").read_text("utf-8")
        return from_toml(text, f"builtin:{name}")
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        try:
            return from_toml(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"cannot read profile {path}: {exc}") from None
    raise ProfileError(f"unknown style {name!r}: built-in styles are "
                       f"{', '.join(builtin_names())}, or give a path to a .toml file")
