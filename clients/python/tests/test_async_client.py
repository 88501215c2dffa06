"""The asynchronous client behaves like the synchronous one (same protocol module): token, retry, errors,
proof."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fabrique import BASE_URL, SIRET, Cle, FausseApi, donnees, preuve_reponse, probleme

from indemnites_client import AsyncClient, erreurs


def executer(api: FausseApi, appel, **options):
    attentes: list[float] = []

    async def dormir(secondes: float) -> None:
        attentes.append(secondes)

    async def principal():
        async with AsyncClient(
            BASE_URL, "cid", "secret", SIRET, transport=httpx.MockTransport(api), dormir=dormir, **options
        ) as client:
            return await appel(client)

    return isole(principal()), attentes


def isole(coroutine):
    """asyncio.run in a thread of its own: the suite's main thread may already hold a running loop (the
    browser tests' Playwright)."""
    with ThreadPoolExecutor(1) as fil:
        return fil.submit(asyncio.run, coroutine).result()


def test_token_is_kept_and_renewed_once_on_401():
    api = FausseApi([donnees(), probleme(401, "jeton-invalide"), donnees(beneficiaireAssuranceChomage=True)])

    async def deux_appels(client: AsyncClient):
        await client.indemnisation(identifiant="a")
        return await client.indemnisation(identifiant="a")

    resultat, _ = executer(api, deux_appels)

    assert resultat.beneficiaire_assurance_chomage is True
    assert api.jetons == 2


def test_concurrent_calls_share_one_token_request():
    api = FausseApi([donnees() for _ in range(5)])

    async def cinq_appels(client: AsyncClient):
        return await asyncio.gather(*(client.indemnisation(identifiant=str(n)) for n in range(5)))

    executer(api, cinq_appels)

    assert api.jetons == 1


def test_429_is_retried_after_retry_after():
    quota = probleme(429, "quota-exceeded")
    quota.headers["Retry-After"] = "3"

    _, attentes = executer(FausseApi([quota, donnees()]), lambda client: client.indemnisation(identifiant="a"))

    assert attentes == [3.0]


def test_problem_becomes_the_named_exception():
    with pytest.raises(erreurs.IndividuInconnu):
        executer(FausseApi([probleme(404, "individu-inconnu")]), lambda client: client.indemnisation(identifiant="a"))


def test_proof_is_verified():
    cle = Cle()
    api = FausseApi([preuve_reponse(cle, "identifiant:jean.are", beneficiaireAssuranceChomage=True)], cle=cle)

    resultat, _ = executer(api, lambda client: client.indemnisation(identifiant="jean.are", preuve=True))

    assert resultat.preuve.identite_concorde is True
    assert resultat.beneficiaire_assurance_chomage is True
