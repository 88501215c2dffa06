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
        """A client's granted scopes, among those the service knows. Without a client (discovery), all of them."""
        connues = self.get_all_scopes()
        if application is None:
            return list(connues)
        return [scope for scope in application.scopes.split() if scope in connues]

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return []
