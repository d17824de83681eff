"""The public API is what ``omset.__all__`` names, and every name there exists."""

import omset


def test_every_public_name_resolves():
    for name in omset.__all__:
        assert getattr(omset, name) is not None, name


def test_the_exception_tree():
    from omset import (EngineError, EngineTimeout, InputError, OmsetError, OptionError,
                       UnsupportedLanguage)
    from omset.formats import FormatError
    from omset.glossary import GlossaryError
    from omset.postedit import RuleError
    from omset.style.profile import ProfileError

    for exc in (OptionError, InputError, EngineError):
        assert issubclass(exc, OmsetError)
    for exc in (ProfileError, GlossaryError, RuleError, UnsupportedLanguage):
        assert issubclass(exc, OptionError) and issubclass(exc, ValueError)
    assert issubclass(FormatError, InputError) and issubclass(EngineTimeout, EngineError)
    assert not issubclass(EngineError, ValueError)   # the engine's failures are not the caller's


def test_unknown_names_are_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError):
        omset.Nonexistent  # noqa: B018
