"""``omset learn --memory``: the desk's approved edits in a real SQLite memory become
post-edit rules through the learner and its guards, and ``--explain`` names them."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from omset.memory import Memory
from omset.memory.workflow import store_approved

OMSET = [sys.executable, "-m", "omset"]

# Sentences written for this test. In every one with «allerede» the proofreader writes
# the house's «alt» where the engine says «allereie»: a slip fixed in many sentences.
SLIPPED = [
    "Hun har allerede reist hjem.", "Prosjektet er allerede forsinket.",
    "Vi har allerede sagt nei til forslaget.", "Regjeringen har allerede brukt pengene.",
    "Mange har allerede meldt seg på kurset.", "Kommunen har allerede bygd en ny skole.",
    "Laget har allerede vunnet to kamper denne sesongen.",
    "Politiet var allerede på stedet da brannvesenet kom.", "Billettene er allerede utsolgt.",
    "Han hadde allerede spist da gjestene kom.", "Det er allerede klart hvem som vinner valget.",
    "Butikken har allerede stengt for i dag.", "Styret har allerede vedtatt budsjettet.",
    "Elevene har allerede fått karakterene sine.", "Snøen har allerede kommet til fjellet.",
    "Avtalen er allerede signert av begge parter.", "Vi vet allerede at prisene vil stige.",
    "Flyet hadde allerede landet i Bergen.", "Saken er allerede sendt til retten.",
    "Mange bedrifter har allerede merket nedgangen.",
]
# approved as the engine wrote them
UNCHANGED = [
    "Ordføreren i Tromsø sier at hun er fornøyd med avtalen.",
    "Statsministeren besøkte Bergen på mandag.", "Været blir fint i helgen.",
    "Skolen starter igjen i august.", "Han kommer hjem i morgen.",
    "Prisene på strøm steg kraftig i vinter.", "Hun jobber som lege på sykehuset.",
    "Bussen går hvert tiende minutt.",
]


def run(args):
    return subprocess.run(OMSET + args, check=False, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def db(apertium_installed, tmp_path_factory):
    from omset import Translator

    sources = SLIPPED + UNCHANGED
    with Translator("nb", "nn", rules=False) as tr:   # the engine as the rules read it
        engine = tr.translate_batch(sources)
    proofread = []
    for src, out in zip(sources, engine):
        if "allerede" in src:
            assert "allereie" in out, out     # the slip the desk keeps fixing
            out = out.replace("allereie", "alt")
        if src == SLIPPED[2]:                 # a fix made in one sentence only
            assert "forslaget" in out, out
            out = out.replace("forslaget", "framlegget")
        proofread.append(out)
    path = tmp_path_factory.mktemp("learn") / "tm.sqlite"
    with Memory.open(str(path)) as mem:
        for n, (src, tgt) in enumerate(zip(sources, proofread)):
            store_approved(mem, src, tgt, source_lang="nb", target_lang="nn",
                           document=f"story-{n}", version="1", author="desk")
        # another direction's entries are not read
        store_approved(mem, "Ho har allereie reist.", "Hun har allerede reist.",
                       source_lang="nn", target_lang="nb")
    return path


def test_a_slip_fixed_in_many_sentences_becomes_a_rule(db, tmp_path):
    rules = tmp_path / "desk.json"
    r = run(["learn", "--memory", str(db), "-o", str(rules)])
    assert r.returncode == 0, r.stderr
    assert f"{len(SLIPPED) + len(UNCHANGED)} approved nb→nn segments" in r.stderr.decode()
    data = json.loads(rules.read_text(encoding="utf-8"))
    found = {(x["pattern"], x["replacement"]) for x in data["rules"]}
    assert ("allereie", "alt") in found
    # one sentence is no evidence: the learner's min-count and held-out guards drop it
    assert not any(rep == "framlegget" for _, rep in found)
    assert "memory" in data["description"] and data["pairs"] == len(SLIPPED) + len(UNCHANGED)
    # a sentence the desk never saw gets the fix, and --explain names the rule
    t = subprocess.run(
        OMSET + ["translate", "--rules", str(rules), "--explain"],
        input="Toget har allerede gått fra stasjonen.\n".encode(), capture_output=True,
        timeout=300, check=False)
    assert t.returncode == 0, t.stderr
    assert re.search(r"\balt\b", t.stdout.decode()) and "allereie" not in t.stdout.decode()
    assert re.search(r"allereie → alt\s+\(rule: rule R\d+: allereie → alt", t.stderr.decode()), \
        t.stderr.decode()
    plain = subprocess.run(OMSET + ["translate"], input="Toget har allerede gått.\n".encode(),
                           capture_output=True, timeout=300, check=False)
    assert "allereie" in plain.stdout.decode()       # (the style's own rules do not)


def test_learning_needs_pairs_and_a_usable_memory(apertium_installed, tmp_path):
    out = tmp_path / "r.json"
    empty = tmp_path / "empty.sqlite"
    Memory.open(str(empty)).close()
    for args, says in ((["--memory", str(tmp_path / "none.sqlite")], b"no such translation memory"),
                       (["--memory", str(empty)], b"no pairs to learn from"),
                       ([], b"--memory")):
        r = run(["learn", *args, "-o", str(out)])
        assert r.returncode == 2, r.stderr
        assert says in r.stderr and b"Traceback" not in r.stderr
    assert not out.exists() and not (tmp_path / "none.sqlite").exists()
