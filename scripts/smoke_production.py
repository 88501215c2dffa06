"""Production smoke test: the deploy/ kit run for real on this machine, then checked as an operator would.

    .venv/bin/python scripts/smoke_production.py [--duree 20] [--debit 100]

Run by `.ci/run` (as root: it installs Debian's nginx when absent), never by `make test`. It needs
PostgreSQL and Redis (SMOKE_PG_URL, SMOKE_REDIS_URL), openssl and nginx, and everything it starts listens
on free loopback ports and is stopped at the end: a database of its own (created, then dropped), its own
Redis key prefix (deleted), two gunicorn instances with the production settings and the environment built
from deploy/api-indemnites.env.exemple and deploy/generer-secrets, and nginx with deploy/nginx/ (ports,
certificate and paths substituted) and a self-signed certificate.

Checks: health over plain HTTP on each instance and through nginx; the data call over HTTPS; HSTS and CSP
once; the per-address limit counting the client's address given by nginx (TRAFIC_NOMBRE_PROXYS=1), not
nginx's; a client's quota and the login lockout shared by both instances; one instance killed (SIGKILL)
during a bounded load while the other keeps serving, and no journal record lost: every 200 answered has
exactly one sealed record, and journal_verify finds the journal intact. Prints its figures; exit code 1 on
any failure. Bounded: well under 3 minutes on two cores.
"""

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
PYTHON = sys.executable
HOTE = "api-indemnites.example"
SIRET = "13002526500013"
DATA = "/partenaire/indemnisations/v1/indemnisation"
JETON = "/connexion/oauth2/access_token?realm=/partenaire"
CONNEXION = "/compte/connexion"
MOT_DE_PASSE = "Un-mot-de-passe-de-demonstration-42"
LIMITE_IP = 60  # per minute and client address; the load spreads over enough addresses to stay below
QUOTA_PAR_SECONDE, FENETRE = 3, 10  # the shared-quota client: 30 requests per 10 s window
ADRESSES_CHARGE = 50


class Echec(Exception):
    """A check that failed: its message says which and what was seen."""


def verifier(condition: bool, message: str) -> None:
    if not condition:
        raise Echec(message)


def dire(message: str) -> None:
    print(message, flush=True)


def port_libre() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the environment, as the operator builds it ------------------------------------------------------------


def env_fichier_lire(texte: str) -> dict[str, str]:
    """Assignments of an environment file as systemd reads ours: NAME=value, "value" or 'literal value'."""
    valeurs = {}
    for ligne in texte.splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", ligne.strip())
        if not match:
            continue
        nom, valeur = match.groups()
        if len(valeur) >= 2 and valeur[0] == valeur[-1] and valeur[0] in "'\"":
            valeur = valeur[1:-1]
        valeurs[nom] = valeur
    return valeurs


@dataclass
class Banc:
    """What the run set up, to use and then to take down."""

    dossier: Path
    pg_admin: str
    redis_url: str
    base: str = field(default_factory=lambda: f"smoke_{secrets.token_hex(4)}")
    prefixe: str = field(default_factory=lambda: f"smoke-{secrets.token_hex(4)}")
    env: dict[str, str] = field(default_factory=dict)
    instances: list["Instance"] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    https: int = 0
    http: int = 0
    certificat: Path | None = None

    @property
    def base_url(self) -> str:
        return re.sub(r"/[^/]*$", f"/{self.base}", self.pg_admin)


def environnement_construire(banc: Banc) -> None:
    modele = env_fichier_lire((DEPLOY / "api-indemnites.env.exemple").read_text())
    generes = env_fichier_lire(
        subprocess.run([DEPLOY / "generer-secrets"], capture_output=True, text=True, check=True).stdout
    )
    var = banc.dossier / "var"
    (var / "media").mkdir(parents=True)
    banc.env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        **modele,
        **generes,
        "DATABASE_URL": banc.base_url,
        "REDIS_URL": banc.redis_url,
        "CACHE_KEY_PREFIX": banc.prefixe,
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "URL_PUBLIQUE": f"https://{HOTE}",
        "EXPLOITATION_SONDE_URL": f"https://127.0.0.1:{banc.https}/ping",
        "SSL_CERT_FILE": str(banc.certificat),  # the probe trusts the self-signed certificate
        "TRAFIC_LIMITE_IP_PAR_MINUTE": str(LIMITE_IP),
        "TRAFIC_FENETRE_CLIENT_SECONDES": str(FENETRE),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # No FranceConnect here: the lockout is checked on the local password form, allowed explicitly.
        "DEMANDEUR_MOTS_DE_PASSE_LOCAUX": "true",
    }


def certificat_creer(banc: Banc) -> None:
    banc.certificat = banc.dossier / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOTE}",
         "-addext", f"subjectAltName=DNS:{HOTE},IP:127.0.0.1",
         "-keyout", banc.dossier / "key.pem", "-out", banc.certificat],
        check=True, capture_output=True,
    )  # fmt: skip


def manage(banc: Banc, *arguments: str, attendu: int = 0) -> str:
    resultat = subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=banc.env, capture_output=True, text=True, timeout=240
    )
    if resultat.returncode != attendu:
        raise Echec(
            f"manage.py {' '.join(arguments)} : code {resultat.returncode}\n{resultat.stdout}{resultat.stderr}"
        )
    return resultat.stdout


DONNEES = f"""
import json
from datetime import date
from django.contrib.auth import get_user_model
from indemnites.droits.models import DemandeurEmploi, Droit
from indemnites.droits.domain import CHAMPS
from indemnites.oauth.models import Application
from indemnites.oauth.services import client_partenaire_creer

def client(nom, quota):
    cree = client_partenaire_creer(nom=nom, champs=list(CHAMPS), destinataires=["{SIRET}"])
    Application.objects.filter(pk=cree.application.pk).update(quota_par_seconde=quota)
    return {{"client_id": cree.application.client_id, "client_secret": cree.client_secret}}

utilisateur = get_user_model().objects.create_user(username="jean.are", password="{MOT_DE_PASSE}")
demandeur = DemandeurEmploi.objects.create(identifiant="jean.are", nom_naissance="MARTIN", prenom="Jean",
    date_naissance=date(1985, 5, 12), utilisateur=utilisateur)
Droit.objects.create(demandeur=demandeur, prestation="ARE", organisme="France Travail",
    date_debut=date(2024, 1, 1), reference="smoke-1")
print(json.dumps({{"charge": client("Charge", 100000), "quota": client("Quota", {QUOTA_PAR_SECONDE})}}))
"""


def base_preparer(banc: Banc) -> dict[str, dict[str, str]]:
    with psycopg.connect(banc.pg_admin, autocommit=True) as connexion:
        connexion.execute(f'CREATE DATABASE "{banc.base}"')
    manage(banc, "migrate", "--noinput", "-v", "0")
    manage(banc, "collectstatic", "--noinput", "-v", "0")
    return json.loads(manage(banc, "shell", "-c", DONNEES).strip().splitlines()[-1])


# --- gunicorn and nginx ---------------------------------------------------------------------------------


@dataclass
class Instance:
    port: int
    processus: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def instance_lancer(banc: Banc, rang: int) -> Instance:
    """As deploy/systemd/api-indemnites@.service starts it, on a free port."""
    port = port_libre()
    env = {**banc.env, "METRIQUES_REPERTOIRE": str(banc.dossier / f"metriques-{port}")}
    journal = (banc.dossier / f"gunicorn-{rang}.log").open("wb")
    processus = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "python:indemnites.exploitation.gunicorn", "indemnites.config.wsgi",
         "--name", f"smoke-{port}", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30",
         "--graceful-timeout", "5", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=journal, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return Instance(port=port, processus=processus)


def attendre(url: str, *, limite: float = 60.0, **options: object) -> None:
    fin = time.monotonic() + limite
    while time.monotonic() < fin:
        try:
            if httpx.get(url, timeout=2, **options).status_code == 200:  # type: ignore[arg-type]  # httpx.get's options
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise Echec(f"{url} ne répond pas 200 après {limite:.0f} s")


def nginx_configurer(banc: Banc) -> Path:
    """deploy/nginx/ with this run's ports, certificate and paths: the rest is the shipped text."""
    site = (DEPLOY / "nginx/api-indemnites.conf").read_text()
    premiere, seconde = (instance.port for instance in banc.instances)
    remplacements = [
        ("127.0.0.1:8001", f"127.0.0.1:{premiere}"),
        ("127.0.0.1:8002", f"127.0.0.1:{seconde}"),
        ("listen 80;", f"listen 127.0.0.1:{banc.http};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{banc.https} ssl http2;"),
        ("/etc/ssl/api-indemnites/fullchain.pem", str(banc.certificat)),
        ("/etc/ssl/api-indemnites/privkey.pem", str(banc.dossier / "key.pem")),
        ("/etc/nginx/snippets/api-indemnites-proxy.conf", str(DEPLOY / "nginx/api-indemnites-proxy.conf")),
    ]
    for avant, apres in remplacements:
        verifier(avant in site, f"deploy/nginx/api-indemnites.conf ne contient plus « {avant} »")
        site = site.replace(avant, apres)
    site = "\n".join(ligne for ligne in site.splitlines() if "listen [::]" not in ligne)
    (banc.dossier / "site.conf").write_text(site)
    temporaire = banc.dossier / "nginx-tmp"
    temporaire.mkdir()
    utilisateur = "user root;\n" if os.geteuid() == 0 else ""
    principal = banc.dossier / "nginx.conf"
    principal.write_text(
        f"{utilisateur}worker_processes 1;\npid {banc.dossier}/nginx.pid;\nerror_log {banc.dossier}/nginx-error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log {banc.dossier}/nginx-access.log;\n"
        + "".join(
            f"  {nom}_temp_path {temporaire}/{nom};\n" for nom in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {banc.dossier}/site.conf;\n}}\n"
    )
    return principal


def nginx_lancer(banc: Banc, conf: Path) -> subprocess.Popen:
    test = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True)
    verifier(test.returncode == 0, f"nginx -t refuse la configuration :\n{test.stderr}")
    return subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], start_new_session=True)


# --- the checks ---------------------------------------------------------------------------------------------


def https(banc: Banc, source: str = "127.0.0.1") -> httpx.Client:
    """A client of the public site through nginx, from a loopback `source` address of its own."""
    return httpx.Client(
        base_url=f"https://127.0.0.1:{banc.https}",
        headers={"Host": HOTE},
        verify=str(banc.certificat),
        transport=httpx.HTTPTransport(local_address=source, verify=str(banc.certificat)),
        timeout=15,
    )


def sante_verifier(banc: Banc) -> None:
    for instance in banc.instances:
        for chemin in ("/healthz", "/readyz", "/ping"):
            reponse = httpx.get(instance.url + chemin, timeout=10)
            verifier(reponse.status_code == 200, f"{instance.url}{chemin} en HTTP : {reponse.status_code}")
            verifier(reponse.json()["status"] == "ok", f"{instance.url}{chemin} : {reponse.text}")
        metriques = httpx.get(instance.url + "/metrics", timeout=10)
        verifier(metriques.status_code == 200, f"{instance.url}/metrics en HTTP : {metriques.status_code}")
    en_clair = f"http://127.0.0.1:{banc.http}"
    verifier(httpx.get(en_clair + "/ping", headers={"Host": HOTE}).status_code == 200, "/ping en HTTP par nginx")
    redirige = httpx.get(en_clair + "/api/openapi.json", headers={"Host": HOTE})
    verifier(redirige.status_code == 301, f"HTTP hors santé : {redirige.status_code} au lieu de 301 vers HTTPS")
    dire(f"  santé en HTTP simple : 200 sur chaque instance et par nginx ; le reste redirigé ({redirige.status_code})")


def jeton_obtenir(client: httpx.Client, identifiants: dict[str, str]) -> str:
    corps = {"grant_type": "client_credentials", "scope": "api_indemnisationsv1", **identifiants}
    reponse = client.post(JETON, data=corps)
    verifier(reponse.status_code == 200, f"jeton : {reponse.status_code} {reponse.text[:200]}")
    return reponse.json()["access_token"]


def consulter(client: httpx.Client, jeton: str, request_id: str | None = None) -> httpx.Response:
    en_tetes = {"Authorization": f"Bearer {jeton}", "X-Request-ID": request_id or str(uuid.uuid4())}
    return client.post(DATA, json={"identifiant": "jean.are", "recipient": SIRET}, headers=en_tetes)


def donnees_verifier(banc: Banc, jeton: str) -> None:
    with https(banc) as client:
        reponse = consulter(client, jeton)
        verifier(reponse.status_code == 200, f"appel de données en HTTPS : {reponse.status_code} {reponse.text[:300]}")
        verifier(reponse.json().get("beneficiaireAssuranceChomage") is True, f"données : {reponse.text}")
        page = client.get("/")
        for nom in ("strict-transport-security", "content-security-policy"):
            for quoi, en_tetes in (("données", reponse.headers), ("page d'accueil", page.headers)):
                nombre = len(en_tetes.get_list(nom))
                if nom == "content-security-policy" and quoi == "données":
                    verifier(nombre <= 1, f"{nom} en double sur la réponse de données")
                    continue
                verifier(nombre == 1, f"{nom} présent {nombre} fois sur la {quoi} (attendu : une fois)")
    dire("  appel de données en HTTPS : 200 ; HSTS et CSP présents une seule fois")


def limite_ip_verifier(banc: Banc) -> None:
    """The limit counts the client nginx saw (last X-Forwarded-For), whatever the client claims."""
    with https(banc, "127.0.0.20") as client:
        statuts = [
            client.get("/partenaire/inexistant", headers={"X-Forwarded-For": f"203.0.113.{rang % 250}"}).status_code
            for rang in range(LIMITE_IP + 1)
        ]
    verifier(statuts[-1] == 429, f"limite par adresse : la requête {LIMITE_IP + 1} reçoit {statuts[-1]}, pas 429")
    verifier(429 not in statuts[:-1], f"limite par adresse : 429 avant la requête {LIMITE_IP + 1}")
    with https(banc, "127.0.0.21") as autre:
        statut = autre.get("/partenaire/inexistant").status_code
    verifier(
        statut == 404, f"un autre client derrière le même nginx est refusé ({statut}) : l'adresse de nginx compte"
    )
    dire(f"  limite par adresse : 429 à la requête {LIMITE_IP + 1} de 127.0.0.20 (X-Forwarded-For forgé ignoré), "
         f"127.0.0.21 servi ({statut})")  # fmt: skip


def quota_verifier(banc: Banc, identifiants: dict[str, str]) -> None:
    with https(banc, "127.0.0.30") as client:
        jeton = jeton_obtenir(client, identifiants)
        with ThreadPoolExecutor(8) as pool:
            statuts = Counter(pool.map(lambda _: consulter(client, jeton).status_code, range(50)))
    quota = QUOTA_PAR_SECONDE * FENETRE
    verifier(
        statuts[200] == quota, f"quota client partagé : {statuts[200]} réponses 200 au lieu de {quota} ({statuts})"
    )
    dire(f"  quota d'un client sur les deux instances : {statuts[200]} × 200 et {statuts[429]} × 429 pour 50 appels "
         f"(quota {quota} par fenêtre)")  # fmt: skip


def connexions_par_instance(banc: Banc) -> list[float]:
    """Login POSTs each instance answered, read from its own /metrics."""
    comptes = []
    for instance in banc.instances:
        lignes = httpx.get(instance.url + "/metrics", timeout=10).text.splitlines()
        comptes.append(
            sum(
                float(ligne.rsplit(" ", 1)[1])
                for ligne in lignes
                if ligne.startswith("indemnites_http_requests_total{")
                and 'route="/compte/connexion"' in ligne
                and 'method="POST"' in ligne
            )
        )
    return comptes


def verrouillage_verifier(banc: Banc) -> None:
    with https(banc, "127.0.0.40") as client:
        page = client.get(CONNEXION)
        jeton_csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        verifier(jeton_csrf is not None, f"page de connexion sans jeton CSRF ({page.status_code})")
        assert jeton_csrf is not None

        def essayer(mot_de_passe: str) -> int:
            corps = {
                "identifiant": "jean.are",
                "mot_de_passe": mot_de_passe,
                "csrfmiddlewaretoken": jeton_csrf.group(1),
            }
            return client.post(CONNEXION, data=corps, headers={"Referer": f"https://{HOTE}{CONNEXION}"}).status_code

        echecs = [essayer("mauvais") for _ in range(5)]
        dernier = essayer(MOT_DE_PASSE)
    par_instance = connexions_par_instance(banc)
    verifier(echecs == [200] * 5, f"échecs de connexion : {echecs}")
    verifier(dernier == 429, f"6e tentative (bon mot de passe) après 5 échecs : {dernier}, pas 429")
    verifier(all(n > 0 for n in par_instance), f"les tentatives n'ont pas touché les deux instances : {par_instance}")
    dire(f"  verrouillage de connexion : 5 échecs répartis sur les deux instances ({par_instance}), 6e refusée (429)")


# --- the load, and an instance killed -----------------------------------------------------------------------


@dataclass
class Mesure:
    request_id: str
    statut: int  # 0: no answer (connection error)
    moment: float


def charge_lancer(banc: Banc, jeton: str, *, duree: float, debit: float, tuer: Instance) -> tuple[list[Mesure], float]:
    """`debit` data calls a second for `duree` seconds, from many client addresses (each under the
    per-address limit); `tuer` is killed with SIGKILL at 40 % of the run. Returns the measures and the
    seconds the whole run took (the last answers included)."""
    clients = [https(banc, f"127.0.1.{rang + 1}") for rang in range(ADRESSES_CHARGE)]
    mesures: list[Mesure] = []
    verrou = threading.Lock()
    debut = time.monotonic()

    def appel(rang: int) -> None:
        request_id = f"smoke-{uuid.uuid4()}"
        try:
            statut = consulter(clients[rang % ADRESSES_CHARGE], jeton, request_id).status_code
        except httpx.HTTPError:
            statut = 0
        with verrou:
            mesures.append(Mesure(request_id, statut, time.monotonic() - debut))

    tue_a: float | None = duree * 0.4
    pool = ThreadPoolExecutor(32)
    for rang in range(int(duree * debit)):
        cible = debut + rang / debit
        if tue_a is not None and time.monotonic() - debut >= tue_a:
            os.killpg(tuer.processus.pid, signal.SIGKILL)
            tue_a = None
        time.sleep(max(0.0, cible - time.monotonic()))
        pool.submit(appel, rang)
    # Bounded: calls still queued when the time is up (a machine too busy to keep the pace) are not sent.
    pool.shutdown(wait=True, cancel_futures=True)
    for client in clients:
        client.close()
    return mesures, time.monotonic() - debut


def scellement_attendre(banc: Banc, *, limite: float = 60.0) -> None:
    fin = time.monotonic() + limite
    with psycopg.connect(banc.base_url, autocommit=True) as connexion:
        while time.monotonic() < fin:
            if connexion.execute("SELECT count(*) FROM journal_enregistrement WHERE rang IS NULL").fetchone() == (0,):
                return
            time.sleep(0.5)
    raise Echec(f"des enregistrements attendent encore leur scellement après {limite:.0f} s")


def pertes_compter(banc: Banc, servis: list[str]) -> tuple[int, int]:
    """(records of the 200 answers, 200 answers without exactly one sealed record)."""
    with psycopg.connect(banc.base_url) as connexion:
        lignes = connexion.execute(
            "SELECT request_id, count(*), count(rang) FROM journal_enregistrement WHERE request_id = ANY(%s) "
            "GROUP BY request_id",
            [servis],
        ).fetchall()
    trouves = {request_id: (nombre, scelles) for request_id, nombre, scelles in lignes}
    perdus = [rid for rid in servis if trouves.get(rid) != (1, 1)]
    return sum(nombre for nombre, _ in trouves.values()), len(perdus)


def panne_verifier(banc: Banc, jeton: str, *, duree: float, debit: float) -> None:
    tuee, survivante = banc.instances
    tue_a = duree * 0.4
    mesures, ecoule = charge_lancer(banc, jeton, duree=duree, debit=debit, tuer=tuee)
    statuts = Counter(m.statut for m in mesures)
    apres = [m for m in mesures if m.moment > tue_a + 1]
    servis = [m.request_id for m in mesures if m.statut == 200]
    scellement_attendre(banc)
    enregistrements, perdus = pertes_compter(banc, servis)
    debit_obtenu = len(mesures) / ecoule
    dire(f"  charge : {len(mesures)} requêtes envoyées (sur {int(duree * debit)} prévues) en {ecoule:.1f} s "
         f"({debit_obtenu:.0f}/s), statuts {dict(statuts)} ; "
         f"instance du port {tuee.port} tuée (SIGKILL) à {tue_a:.0f} s")  # fmt: skip
    dire(f"  journal : {len(servis)} réponses 200, {enregistrements} enregistrements scellés pour elles, "
         f"perdus : {perdus}")  # fmt: skip
    verifier(perdus == 0, f"{perdus} réponse(s) 200 sans exactement un enregistrement scellé")
    verifier(
        sum(1 for m in apres if m.statut == 200) > 0.9 * len(apres),
        f"après l'arrêt : {Counter(m.statut for m in apres)}",
    )
    verifier(
        httpx.get(survivante.url + "/readyz", timeout=10).status_code == 200, "l'instance restante n'est pas prête"
    )
    sortie = manage(banc, "journal_verify")
    verifier("Intègre" in sortie, f"journal_verify : {sortie}")
    dire("  journal_verify : intègre ; l'autre instance a servi pendant et après l'arrêt")


# --- the run ------------------------------------------------------------------------------------------------


def demonter(banc: Banc) -> None:
    """Stops what the run started and removes its database and Redis keys, whatever failed before."""
    for processus in [banc.nginx, *(instance.processus for instance in banc.instances)]:
        if processus is not None and processus.poll() is None:
            os.killpg(processus.pid, signal.SIGTERM)
            try:
                processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(processus.pid, signal.SIGKILL)
    try:
        with psycopg.connect(banc.pg_admin, autocommit=True) as connexion:
            connexion.execute(f'DROP DATABASE IF EXISTS "{banc.base}" WITH (FORCE)')
        stockage = redis.Redis.from_url(banc.redis_url)
        for cle in stockage.scan_iter(f"{banc.prefixe}*", count=1000):
            stockage.delete(cle)
    except (psycopg.Error, redis.RedisError) as erreur:
        dire(f"nettoyage incomplet (base {banc.base}, préfixe Redis {banc.prefixe}) : {erreur}")


def installer(banc: Banc) -> dict[str, dict[str, str]]:
    """The kit on this machine: environment, database, two instances, nginx. Returns the clients made."""
    banc.https, banc.http = port_libre(), port_libre()
    certificat_creer(banc)
    environnement_construire(banc)
    clients = base_preparer(banc)
    dire(f"== base {banc.base} migrée, clients et demandeur créés")
    dire("  " + manage(banc, "deploiement_verifier").strip().replace("\n", "\n  "))
    banc.instances = [instance_lancer(banc, rang) for rang in range(2)]
    for instance in banc.instances:
        attendre(instance.url + "/readyz")
    banc.nginx = nginx_lancer(banc, nginx_configurer(banc))
    attendre(f"http://127.0.0.1:{banc.http}/healthz", headers={"Host": HOTE})
    dire(f"== nginx (HTTPS {banc.https}, HTTP {banc.http}) devant gunicorn {[i.port for i in banc.instances]}")
    return clients


def executer(banc: Banc, *, duree: float, debit: float) -> None:
    try:
        clients = installer(banc)
        sante_verifier(banc)
        with https(banc, "127.0.0.10") as client:
            jeton = jeton_obtenir(client, clients["charge"])
        donnees_verifier(banc, jeton)
        limite_ip_verifier(banc)
        quota_verifier(banc, clients["quota"])
        verrouillage_verifier(banc)
        dire(f"  sonde par nginx en HTTPS : {manage(banc, 'monitoring_probe').strip()}")
        panne_verifier(banc, jeton, duree=duree, debit=debit)
    finally:
        demonter(banc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg-url", default=os.environ.get("SMOKE_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis-url", default=os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--duree", type=float, default=20.0, help="secondes de charge (défaut 20)")
    parser.add_argument("--debit", type=float, default=100.0, help="appels de données par seconde (défaut 100)")
    options = parser.parse_args()
    debut = time.monotonic()
    with ExitStack() as pile:
        dossier = Path(pile.enter_context(tempfile.TemporaryDirectory(prefix="smoke-production-")))
        banc = Banc(dossier=dossier, pg_admin=options.pg_url, redis_url=options.redis_url)
        try:
            executer(banc, duree=options.duree, debit=options.debit)
        except (Echec, subprocess.SubprocessError, httpx.HTTPError, psycopg.Error, OSError) as erreur:
            dire(f"ÉCHEC du test de fumée de production : {erreur}")
            for journal in sorted(dossier.glob("*.log")):
                dire(f"--- {journal.name} (fin)\n{journal.read_text(errors='replace')[-2000:]}")
            return 1
    dire(f"== test de fumée de production réussi en {time.monotonic() - debut:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
