from datetime import date

from tests.conftest import DATA_URL, SIRET_DESTINATAIRE


def test_full_call_returns_the_granted_booleans(http, partenaire, jeton, demandeur):
    demandeur(droits=(("ARE", "France Travail", date(2020, 1, 1), None),))
    token = jeton(partenaire())
    response = http.post(
        DATA_URL,
        {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert response.json() == {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}
