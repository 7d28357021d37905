"""Customer profiles: what each customer told us and did, kept across visits."""
from actions.profiles.store import Profile, ProfileStore

__all__ = ["Profile", "ProfileStore"]
