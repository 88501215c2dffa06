"""La ligne de commande `indemnites-client` :

    indemnites-client interroger --identifiant jean.are [--preuve]     (identifiants dans l'environnement)
    indemnites-client verifier PREUVE --jwks FICHIER [--sel SEL --identifiant ID]

`interroger` lit INDEMNITES_BASE_URL, INDEMNITES_CLIENT_ID, INDEMNITES_CLIENT_SECRET et INDEMNITES_RECIPIENT
(ou les options du même nom) ; le secret ne passe de préférence pas en argument, visible des autres
utilisateurs de la machine. PREUVE : le texte de la preuve, un fichier qui la contient, ou « - » (entrée
standard). Codes de sortie : 0 succès, 1 preuve non valide ou erreur de l'API, 2 usage incorrect.
"""

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indemnites_client._client import Client
from indemnites_client.erreurs import ErreurApi, ErreurClient, PreuveInvalide
from indemnites_client.preuve import identite_canonique, preuve_verifier


def _identite_options(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    parser.add_argument("--identifiant", help="identifiant France Travail")
    parser.add_argument("--nir", help="NIR (15 caractères), avec --date-naissance")
    parser.add_argument("--date-naissance", help="AAAA-MM-JJ, avec --nir")
    if sub:
        parser.add_argument("--sub", help="sub OpenID Connect (preuve du mode connecté)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="indemnites-client", description="Client de l'API indemnités.")
    commandes = parser.add_subparsers(dest="commande", required=True)
    interroger = commandes.add_parser("interroger", help="les données d'une personne (serveur à serveur)")
    for option, variable in (
        ("--base-url", "INDEMNITES_BASE_URL"),
        ("--client-id", "INDEMNITES_CLIENT_ID"),
        ("--client-secret", "INDEMNITES_CLIENT_SECRET"),
        ("--recipient", "INDEMNITES_RECIPIENT"),
    ):
        interroger.add_argument(option, default=os.environ.get(variable), help=f"défaut : ${variable}")
    _identite_options(interroger, sub=False)
    interroger.add_argument("--reference-dossier")
    interroger.add_argument("--date-reference", help="AAAA-MM-JJ (défaut : aujourd'hui)")
    interroger.add_argument("--preuve", action="store_true", help="demander la réponse signée et la vérifier")
    verifier = commandes.add_parser("verifier", help="vérifier une preuve signée, hors ligne")
    verifier.add_argument("preuve", metavar="PREUVE", help="la preuve, un fichier, ou - (entrée standard)")
    verifier.add_argument("--jwks", required=True, help="le JWKS enregistré (fichier) ou son URL")
    verifier.add_argument("--sel", help="le sel reçu avec la preuve (en-tête X-Preuve-Sel)")
    _identite_options(verifier, sub=True)
    return parser


def _afficher(donnees: dict[str, Any]) -> None:
    json.dump(donnees, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _interroger(args: argparse.Namespace) -> int:
    manquants = [nom for nom in ("base_url", "client_id", "client_secret", "recipient") if not getattr(args, nom)]
    if manquants:
        print(f"à indiquer : {', '.join(manquants)}", file=sys.stderr)
        return 2
    with Client(args.base_url, args.client_id, args.client_secret, args.recipient) as client:
        resultat = client.indemnisation(
            identifiant=args.identifiant, nir=args.nir, date_naissance=args.date_naissance,
            reference_dossier=args.reference_dossier, date_reference=args.date_reference, preuve=args.preuve,
        )  # fmt: skip
    sortie: dict[str, Any] = {
        "beneficiairePrestationSolidarite": resultat.beneficiaire_prestation_solidarite,
        "beneficiaireAssuranceChomage": resultat.beneficiaire_assurance_chomage,
        "requestId": resultat.request_id,
    }
    if resultat.preuve is not None:
        sortie |= {"preuve": resultat.preuve.jws, "sel": resultat.preuve.sel, "kid": resultat.preuve.kid}
    _afficher(sortie)
    return 0


JWS_COMPACT = re.compile(r"^[\w-]+\.[\w-]*\.[\w-]+$")


def _texte_preuve(argument: str) -> str:
    """The proof itself (three base64url parts), `-` for standard input, or else a file holding it."""
    if argument == "-":
        return sys.stdin.read().strip()
    if JWS_COMPACT.match(argument.strip()):
        return argument.strip()
    return Path(argument).read_text(encoding="utf-8").strip()


def _verifier(args: argparse.Namespace) -> int:
    identite = None
    if args.identifiant or args.nir or args.sub:
        identite = identite_canonique(
            identifiant=args.identifiant, nir=args.nir, date_naissance=args.date_naissance, sub=args.sub
        )
    if identite and not args.sel:
        print("--sel est nécessaire pour comparer l'identité", file=sys.stderr)
        return 2
    verifiee = preuve_verifier(_texte_preuve(args.preuve), args.jwks, args.sel, identite)
    print(f"Signature valide (clé {verifiee.kid}).", file=sys.stderr)
    if verifiee.identite_concorde:
        print("Identité concordante.", file=sys.stderr)
    _afficher(verifiee.revendications)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _interroger(args) if args.commande == "interroger" else _verifier(args)
    except PreuveInvalide as erreur:
        print(f"Preuve non valide : {erreur}", file=sys.stderr)
        return 1
    except ErreurApi as erreur:
        print(f"Erreur de l'API : {erreur}", file=sys.stderr)
        return 1
    except (ErreurClient, ValueError, OSError) as erreur:
        print(f"Erreur : {erreur}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
