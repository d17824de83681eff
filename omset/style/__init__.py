"""House style: profiles that choose among the Nynorsk forms Apertium can generate."""

from .profile import DEFAULT_PROFILE, Profile, ProfileError, builtin_names, from_toml, load

__all__ = ["DEFAULT_PROFILE", "Profile", "ProfileError", "builtin_names", "from_toml", "load"]
