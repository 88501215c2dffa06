from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "indemnites.core"
    label = "core"

    def ready(self) -> None:
        from indemnites.core.secrets import secrets_verifier

        secrets_verifier()
