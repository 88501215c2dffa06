# Shared pytest plugins (must be declared in the root conftest).
pytest_plugins = ["tests.browser_fixtures"]
