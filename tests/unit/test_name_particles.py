"""The name reading of a lower-case word no name follows is dropped before the tagger
(omset/engine/name_particles.py), on streams as the constraint grammar writes them."""

from __future__ import annotations

from omset.engine.name_particles import drop_particle_names

DI = rb"^di/di<np><attr>/din<det><pos><f><sg>/din<prn><pos><f><sg>$"
DI_AS_POSSESSIVE = rb"^di/din<det><pos><f><sg>/din<prn><pos><f><sg>$"


def test_a_particle_before_a_lower_case_word_loses_its_name_reading():
    chunk = b".[] ^for/for<pr>$ " + DI + rb" ^og/og<cnjcoo>$^.<sent>$[][]" + b"\0"
    assert drop_particle_names(chunk) == chunk.replace(DI, DI_AS_POSSESSIVE)


def test_a_particle_before_a_name_keeps_it():
    chunk = rb"^Leonardo/Leonardo<np><ant><m>$ " + DI + rb" ^Caprio/Caprio<np><cog>$"
    assert drop_particle_names(chunk) is chunk


def test_capitalised_words_names_only_and_compounds_are_left_alone():
    for chunk in (rb"^Di/Di<np><attr>/din<det><pos><f><sg>$ ^og/og<cnjcoo>$",  # capitalised
                  rb"^du/du<np><attr>$ ^ser/sjaa<vblex><pres>$",                 # only a name
                  ("^påE18/på<n><m><sg><ind><cmp>+E18<np><top>/på<n><m><sg><ind><cmp>"
                   "+E18<n><m><sg><ind>$ ^og/og<cnjcoo>$").encode()):              # compound
        assert drop_particle_names(chunk) is chunk


def test_the_last_word_and_escapes_and_blanks():
    # no word after it: nothing follows that could be the name
    assert drop_particle_names(b"^er/vere<vbser>$ " + DI) == b"^er/vere<vbser>$ " + DI_AS_POSSESSIVE
    # a blank holding what looks like a unit is skipped whole, not read as one
    blank = rb"[^du/du<np><attr>/du<prn>$]"
    assert drop_particle_names(blank + rb" ^og/og<cnjcoo>$") == blank + rb" ^og/og<cnjcoo>$"
    # an escaped slash is part of a reading, not a separator
    chunk = rb"^ab/a\/b<np><al>/ab<n><nt><sg><ind>$ ^og/og<cnjcoo>$"
    assert drop_particle_names(chunk) == rb"^ab/ab<n><nt><sg><ind>$ ^og/og<cnjcoo>$"
    # a token that is not a word of letters (a domain, a path) keeps every reading
    for chunk in (rb"^a\/b/a\/b<np><al>/a\/b<n><nt><sg><ind>$ ^og/og<cnjcoo>$",
                  rb"^helsenorge.no/helsenorge.no<np><org>/helsenorge.no<n><nt><sg><ind>$ ^og/og<cnjcoo>$"):
        assert drop_particle_names(chunk) is chunk
    # a word-bound blank in front of the unit stays where it was
    chunk = rb"[[t:b:123]]" + DI + rb" ^og/og<cnjcoo>$"
    assert drop_particle_names(chunk) == rb"[[t:b:123]]" + DI_AS_POSSESSIVE + rb" ^og/og<cnjcoo>$"


def test_no_name_reading_no_copy():
    chunk = rb"^og/og<cnjcoo>$" * 1000
    assert drop_particle_names(chunk) is chunk
