from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "indemnites.federation"
    label = "federation"
    verbose_name = "Fédération d'identité (FranceConnect, ProConnect)"

    def ready(self) -> None:
        from indemnites.federation import checks  # noqa: F401 (registers the deployment checks)
