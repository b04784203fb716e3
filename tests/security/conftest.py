from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)
