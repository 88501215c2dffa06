"""Scopes come from what each client was granted, never from a global default."""

from typing import Any

from django.conf import settings
from oauth2_provider.scopes import BaseScopes


class ApplicationScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return settings.OAUTH2_PROVIDER["SCOPES"]

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return []
        return application.scopes.split()

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return []
