"""Development and test tools that never run in production (not in INSTALLED_APPS)."""
