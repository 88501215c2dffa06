"""Migration oauth/0004: tokens granted with `profile` before `gender` was released are revoked."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indemnites.oauth.models import AccessToken, RefreshToken
from tests.oauth import outils

AVANT = [("oauth", "0003_connexion_demandeur")]
APRES = [("oauth", "0004_revoquer_jetons_profile_sans_genre")]


def migrer(cible: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(cible)


@pytest.fixture(autouse=True)
def _derniere_migration_ensuite():
    """The tests that follow expect every migration applied, later ones included."""
    yield
    executor = MigrationExecutor(connection)
    migrer(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_user_tokens_with_profile_are_revoked_the_others_stay(http, jean, partenaire, jeton):
    client_individu = outils.client_individu(refresh_autorise=True)
    outils.jetons(http, client_individu, jean, scope="openid profile api_peconnect-individuv1")
    outils.jetons(http, client_individu, jean, scope="openid email api_peconnect-individuv1")
    jeton(partenaire())  # a server-to-server token: no person, no profile
    migrer(AVANT)

    migrer(APRES)

    restants = {token.scope for token in AccessToken.objects.all()}
    assert restants == {"openid email api_peconnect-individuv1", "api_indemnisationsv1"}
    assert RefreshToken.objects.filter(revoked__isnull=False).count() == 1
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 1
