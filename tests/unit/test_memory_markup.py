"""Inline markup put back into a stored plain translation (omset/memory/markup.py)."""

from __future__ import annotations

import pytest

from omset.memory.markup import Unplaceable, restore
from omset.model import Markup, Marker

A, A_ = Marker("<a>", 0, "open", 0), Marker("</a>", 1, "close", 0)
B, B_ = Marker("<b>", 2, "open", 2), Marker("</b>", 3, "close", 2)


def test_pair_around_a_name_the_translation_kept():
    parts, anchors = restore(["Ordføreren i ", A, "Tromsø", A_, " sier ja."],
                             "Ordføraren i Tromsø seier ja.")
    assert parts == ["Ordføraren i ", A, "Tromsø", A_, " seier ja."]
    assert anchors == ["Tromsø"]


def test_markup_at_the_ends_wraps_the_whole_translation():
    parts, anchors = restore([B, "Han kommer hjem.", B_], "Han kjem heim.")
    assert parts == [B, "Han kjem heim.", B_] and anchors == []


def test_run_switches_around_a_number():
    s1, s2 = Markup("\ue010"), Markup("\ue011")
    parts, _ = restore(["Prisen er ", s1, "300", s2, " kroner i dag."], "Prisen er 300 kr i dag.")
    assert parts == ["Prisen er ", s1, "300", s2, " kr i dag."]


def test_words_in_another_order_keep_the_markup_in_its_order():
    parts, _ = restore(["Både ", A, "Oslo", A_, " og ", B, "Bergen", B_, "."],
                       "Både Oslo og Bergen.")
    assert parts == ["Både ", A, "Oslo", A_, " og ", B, "Bergen", B_, "."]
    with pytest.raises(Unplaceable, match="order"):
        restore(["Både ", A, "Oslo", A_, " og ", B, "Bergen", B_, "."], "Både Bergen og Oslo.")


@pytest.mark.parametrize("core, target", [
    (["Han ", B, "kommer", B_, " hjem."], "Han kjem heim."),              # word rendered anew
    (["Vi ", B, "vil", B_, " og vil."], "Vi vil og vil."),                # twice in the source
    (["Vi ", B, "er", B_, " her."], "Vi er er her."),                      # twice in the target
    (["Se ", B, "heim", B_, "en."], "Sjå heimen."),                        # not a whole word
])
def test_unsafe_places_are_refused(core, target):
    with pytest.raises(Unplaceable):
        restore(core, target)
