"""A style file's two descriptions: English for the command line and the docs, Nynorsk
(``description_nn``) for the web editor; both survive a round trip through TOML."""

from omset.style.profile import from_toml


def test_description_nn_is_read_and_written():
    prof = from_toml('name = "avis"\ndescription = "How we write"\n'
                     'description_nn = "Slik skriv vi"\ninfinitive = "a"\n', "avis.toml")
    assert (prof.description, prof.description_nn) == ("How we write", "Slik skriv vi")
    again = from_toml(prof.to_toml(), "avis.toml")
    assert again == prof


def test_without_description_nn_it_stays_empty():
    prof = from_toml('name = "avis"\ndescription = "How we write"\n', "avis.toml")
    assert prof.description_nn == ""
    assert "description_nn" not in prof.to_toml()
