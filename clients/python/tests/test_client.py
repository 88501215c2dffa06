"""The synchronous client against a mocked transport: tokens, retries, errors, proofs."""

import threading
from datetime import date

import httpx
import pytest
from fabrique import BASE_URL, SIRET, Cle, FausseApi, donnees, preuve_reponse, probleme

from indemnites_client import Client, ErreurApi, ErreurJeton, PreuveInvalide, erreurs

CHOMAGE = "beneficiaireAssuranceChomage"
SOLIDARITE = "beneficiairePrestationSolidarite"


class Horloge:
    def __init__(self) -> None:
        self.maintenant = 1000.0

    def __call__(self) -> float:
        return self.maintenant


def client(api: FausseApi, **options: object) -> tuple[Client, list[float]]:
    attentes: list[float] = []
    options.setdefault("dormir", attentes.append)
    return Client(BASE_URL, "cid", "secret", SIRET, transport=httpx.MockTransport(api), **options), attentes


class TestReponse:
    def test_typed_result_with_none_for_a_field_not_granted(self):
        api = FausseApi([donnees(**{CHOMAGE: True})])

        resultat = client(api)[0].indemnisation(identifiant="jean.are", reference_dossier="D-1")

        assert resultat.beneficiaire_assurance_chomage is True
        assert resultat.beneficiaire_prestation_solidarite is None
        assert resultat.request_id == "rid-ok"
        assert resultat.preuve is None
        assert api.corps() == {"recipient": SIRET, "identifiant": "jean.are", "referenceDossier": "D-1"}

    def test_nir_with_birth_date_and_reference_date(self):
        api = FausseApi([donnees(**{CHOMAGE: False, SOLIDARITE: True})])

        client(api)[0].indemnisation(
            nir="185057800608491", date_naissance=date(1985, 5, 12), date_reference="2026-01-02"
        )

        assert api.corps() == {
            "recipient": SIRET, "nir": "185057800608491", "dateNaissance": "1985-05-12", "dateReference": "2026-01-02",
        }  # fmt: skip

    @pytest.mark.parametrize("identite", [{}, {"identifiant": "a", "nir": "b", "date_naissance": "2000-01-01"}])
    def test_exactly_one_identity(self, identite):
        with pytest.raises(ValueError, match="une seule identité"):
            client(FausseApi([]))[0].indemnisation(**identite)

    def test_timeouts_are_explicit(self):
        timeout = client(FausseApi([]))[0]._http.timeout

        assert timeout.connect == 5.0
        assert timeout.read == 10.0


class TestJeton:
    def test_one_token_serves_many_calls(self):
        api = FausseApi([donnees(), donnees()])
        c = client(api)[0]

        c.indemnisation(identifiant="a")
        c.indemnisation(identifiant="b")

        assert api.jetons == 1
        assert api.appels_donnees()[1].headers["Authorization"] == "Bearer jeton-1"

    def test_renewed_before_it_expires(self):
        horloge = Horloge()
        api = FausseApi([donnees(), donnees(), donnees()], expires_in=300)
        c = client(api, horloge=horloge)[0]
        c.indemnisation(identifiant="a")

        horloge.maintenant += 269  # 30 s of margin before the 300 s lifetime
        c.indemnisation(identifiant="a")
        assert api.jetons == 1
        horloge.maintenant += 2
        c.indemnisation(identifiant="a")

        assert api.jetons == 2

    def test_one_renewal_on_401_jeton_invalide(self):
        api = FausseApi([probleme(401, "jeton-invalide"), donnees(**{CHOMAGE: True})])

        resultat = client(api)[0].indemnisation(identifiant="a")

        assert resultat.beneficiaire_assurance_chomage is True
        assert api.jetons == 2
        assert api.appels_donnees()[1].headers["Authorization"] == "Bearer jeton-2"

    def test_only_one_renewal(self):
        api = FausseApi([probleme(401, "jeton-invalide"), probleme(401, "jeton-invalide")])

        with pytest.raises(erreurs.JetonInvalide):
            client(api)[0].indemnisation(identifiant="a")
        assert api.jetons == 2

    def test_threads_share_one_token_request(self):
        api = FausseApi([])
        c = client(api)[0]
        barriere = threading.Barrier(8)

        def obtenir() -> None:
            barriere.wait()
            c.jeton()

        fils = [threading.Thread(target=obtenir) for _ in range(8)]
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join()

        assert api.jetons == 1

    def test_token_refusal_is_an_oauth_error(self):
        def refuser(requete: httpx.Request) -> httpx.Response:
            return httpx.Response(401, json={"error": "invalid_client", "error_description": "Client inconnu."})

        c = Client(BASE_URL, "cid", "faux", SIRET, transport=httpx.MockTransport(refuser))
        with pytest.raises(ErreurJeton, match="invalid_client") as erreur:
            c.indemnisation(identifiant="a")
        assert erreur.value.status == 401


class TestReessais:
    def test_429_is_retried_after_retry_after(self):
        quota = probleme(429, "quota-exceeded")
        quota.headers["Retry-After"] = "2"
        api = FausseApi([quota, donnees()])

        c, attentes = client(api)
        c.indemnisation(identifiant="a")

        assert attentes == [2.0]

    def test_503_is_retried_too(self):
        indisponible = probleme(503, "journal-indisponible")
        indisponible.headers["Retry-After"] = "1"
        api = FausseApi([indisponible, donnees()])

        c, attentes = client(api)
        c.indemnisation(identifiant="a")

        assert attentes == [1.0]

    def test_retries_are_bounded_in_number(self):
        reponses = [probleme(429, "quota-exceeded") for _ in range(5)]
        for reponse in reponses:
            reponse.headers["Retry-After"] = "1"

        c, attentes = client(FausseApi(reponses), reessais=3)
        with pytest.raises(erreurs.QuotaExceeded):
            c.indemnisation(identifiant="a")
        assert attentes == [1.0, 1.0, 1.0]

    def test_a_wait_beyond_the_budget_is_not_taken(self):
        reponse = probleme(429, "quota-exceeded")
        reponse.headers["Retry-After"] = "120"

        c, attentes = client(FausseApi([reponse]), budget_secondes=30)
        with pytest.raises(erreurs.QuotaExceeded):
            c.indemnisation(identifiant="a")
        assert attentes == []

    def test_other_errors_are_not_retried(self):
        c, attentes = client(FausseApi([probleme(404, "individu-inconnu")]))

        with pytest.raises(erreurs.IndividuInconnu):
            c.indemnisation(identifiant="a")
        assert attentes == []


class TestErreurs:
    def test_named_after_the_code_with_request_id(self):
        with pytest.raises(erreurs.DestinataireNonAutorise) as erreur:
            client(FausseApi([probleme(403, "destinataire-non-autorise")]))[0].indemnisation(identifiant="a")

        assert erreur.value.request_id == "rid-destinataire-non-autorise"
        assert erreur.value.status == 403
        assert isinstance(erreur.value, ErreurApi)

    def test_422_carries_the_field_errors(self):
        champ = {"champ": "nir", "regle": "nir-invalide", "message": "NIR invalide."}
        api = FausseApi([probleme(422, "donnees-invalides", errors=[champ])])

        with pytest.raises(erreurs.DonneesInvalides) as erreur:
            client(api)[0].indemnisation(nir="1", date_naissance="2000-01-01")

        assert erreur.value.erreurs == [erreurs.ErreurChamp("nir", "nir-invalide", "NIR invalide.")]

    def test_an_unknown_code_is_still_an_api_error(self):
        with pytest.raises(ErreurApi) as erreur:
            client(FausseApi([probleme(400, "code-futur")]))[0].indemnisation(identifiant="a")

        assert type(erreur.value) is ErreurApi
        assert erreur.value.code == "code-futur"

    def test_a_non_problem_error_is_unexpected(self):
        with pytest.raises(erreurs.ReponseInattendue):
            client(FausseApi([httpx.Response(502, text="Bad gateway")]))[0].indemnisation(identifiant="a")


class TestPreuve:
    def test_verified_proof_with_its_salt(self):
        cle = Cle()
        api = FausseApi([preuve_reponse(cle, "identifiant:jean.are", **{CHOMAGE: True})], cle=cle)

        resultat = client(api)[0].indemnisation(identifiant="jean.are", preuve=True)

        assert api.appels_donnees()[0].headers["Accept"] == "application/jwt"
        assert resultat.beneficiaire_assurance_chomage is True
        assert resultat.preuve is not None
        assert resultat.preuve.sel == "00" * 16
        assert resultat.preuve.identite_concorde is True
        assert resultat.preuve.kid == cle.cle.thumbprint()

    def test_nir_identity_is_canonical(self):
        cle = Cle()
        api = FausseApi([preuve_reponse(cle, "nir:185057800608491:1985-05-12")], cle=cle)

        resultat = client(api)[0].indemnisation(nir="1 85 05 78 006 084 91", date_naissance="1985-05-12", preuve=True)

        assert resultat.preuve.identite_concorde is True

    def test_a_proof_about_someone_else_is_refused(self):
        cle = Cle()
        api = FausseApi([preuve_reponse(cle, "identifiant:marc.ass")], cle=cle)

        with pytest.raises(PreuveInvalide, match="identité"):
            client(api)[0].indemnisation(identifiant="jean.are", preuve=True)

    def test_a_proof_signed_by_an_unknown_key_is_refused(self):
        api = FausseApi([preuve_reponse(Cle(), "identifiant:jean.are")], cle=Cle())

        with pytest.raises(PreuveInvalide):
            client(api)[0].indemnisation(identifiant="jean.are", preuve=True)

    def test_key_set_is_fetched_again_after_a_rotation(self):
        ancienne, nouvelle = Cle(), Cle()
        api = FausseApi(
            [preuve_reponse(ancienne, "identifiant:a"), preuve_reponse(nouvelle, "identifiant:a")], cle=ancienne
        )
        c = client(api)[0]
        c.indemnisation(identifiant="a", preuve=True)

        api.cle = nouvelle
        c.indemnisation(identifiant="a", preuve=True)

        assert sum(r.url.path == "/preuves/jwks.json" for r in api.requetes) == 2
