"""The per-client quota also holds on the connected-mode data route (mode A)."""

from indemnites.journal.models import Enregistrement, Mode
from indemnites.oauth.models import Application
from tests.oauth import outils
from tests.oauth.outils import INDEMNISATION_URL, bearer


def test_a_connected_mode_client_gets_its_quota_then_429_quota_exceeded(http):
    client = outils.client_individu()
    Application.objects.filter(pk=client.application.pk).update(quota_par_seconde=2)
    token = outils.jetons(http, client, outils.personne("jean.are", ("ARE",)))["access_token"]

    statuts = [http.get(INDEMNISATION_URL, **bearer(token)).status_code for _ in range(3)]
    refus = http.get(INDEMNISATION_URL, **bearer(token))

    assert statuts == [200, 200, 429]
    assert refus.json()["code"] == "quota-exceeded"
    assert int(refus["Retry-After"]) >= 1
    assert "WWW-Authenticate" not in refus
    assert Enregistrement.objects.filter(mode=Mode.INDIVIDU, statut=429).count() == 2
