"""Accelerator markers in software messages (issue 12.4): only where the msgid says
so, never inside code identifiers. An identity translator shows what the marker
handling alone does to a message."""

from __future__ import annotations

from typing import Sequence

import pytest

from omset.formats.placeholders import markers_of, translate_messages
from omset.model import Part


class Identity:
    """A translator that returns every segment as sent."""

    def translate_parts(self, segments: Sequence[Sequence[Part]]) -> list[list[Part]]:
        return [list(s) for s in segments]


@pytest.mark.parametrize("msgid, msgstr", [
    ("Also the TIME_STYLE environment variable sets the default style to use.",
     "Bruk miljøvariabelen «TIME_STYLE»  for å endre forvalgt stil."),
    ("shortcut_choice", "kortvalg_valg"),
    ("Outermost element must be <text_view_markup>", "Ytterste element må være <text_view_markup>"),
    ("Page_Down", "Page_Down"),
    ("Use the week_start key", "Bruk nøkkelen week_start"),
    ("_Open", "_Åpne"), ("_Back", "Til_bake"), ("Cance_l", "A_vbryt"), ("&Save", "&Lagre"),
    ("Save file", "Lagre_fil i mappe"),            # no marker in the msgid: no accelerator
    ("Use the shortcut_choice key", "Bruk nøkkelen kortvalg_valg"),
])
def test_identity_translator_changes_nothing(msgid, msgstr):
    assert translate_messages(Identity(), [msgstr], sources=[msgid]) == [msgstr]


def test_without_a_msgid_identifiers_are_still_left_alone():
    for msg in ["Bruk «TIME_STYLE»  for stil", "kortvalg_valg", "sett MAX_SIZE for filer"]:
        assert translate_messages(Identity(), [msg]) == [msg]


def test_markers_of_reads_the_msgid():
    assert markers_of("_Open") == "_" and markers_of("&Save") == "&"
    assert markers_of("Cance_l", "A_vbryt") == "_"
    assert markers_of("TIME_STYLE sets the style") == ""
    assert markers_of("Page_Down", "Page_Down") == ""
    assert markers_of("Save file") == "" and markers_of("Use the shortcut_choice key") == ""
