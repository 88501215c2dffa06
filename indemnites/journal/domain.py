"""The journals' integrity rules: canonical form of a record, the hash chain, signed checkpoints, and the
verification that finds, by record number, what was edited, deleted, inserted, reordered or cut off.

Pure: no Django. The same rules serve both journals (accesses and administrative actions); the journal's
name is part of every record's canonical form, so a record cannot move from one journal to the other.

A record's fingerprint (`empreinte`, SHA-256, hex) is

    SHA-256( previous fingerprint (32 bytes) ‖ record number (8 bytes, big-endian) ‖ SHA-256(canonical form) )

where the canonical form is the UTF-8 JSON array `[journal, version, field values…]` without spaces. The first
record's previous fingerprint is 64 zeros. A checkpoint is an Ed25519 signature over
`["api-indemnites/point-de-controle", version, journal, numero, rang, empreinte, horodatage]`.
"""

import base64
import calendar
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = 1
GENESE = "0" * 64
ACCES = "acces"
ADMINISTRATIF = "administratif"
JOURNAUX = (ACCES, ADMINISTRATIF)
# The hashed fields of each journal, in canonical order (the model's columns of the same names).
CHAMPS = {
    ACCES: (
        "horodatage",
        "request_id",
        "mode",
        "client_id",
        "habilitation",
        "destinataire",
        "sujet",
        "champs",
        "resultat",
        "statut",
        "reference_dossier",
        "empreinte_requete",
        "preuve",
    ),
    ADMINISTRATIF: ("horodatage", "request_id", "acteur", "action", "objet", "details"),
}
_ENTIERS = frozenset({"statut"})
_SIGNATURE_DOMAINE = "api-indemnites/point-de-controle"

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_sha256 = hashlib.sha256


# --- canonical form and chain ---------------------------------------------------------------------------


def horodatage_canonique(instant: datetime) -> str:
    """UTC, microseconds always written: `2026-11-26T09:30:00.000000Z`. A naive instant is taken as UTC
    (that is how SQLite gives them back)."""
    if instant.tzinfo is not None and instant.utcoffset():
        instant = instant.astimezone(UTC)
    return instant.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def contenu_canonique(journal: str, valeurs: Sequence[Any]) -> bytes:
    """`valeurs` in the order of CHAMPS[journal], the instant already canonical.

    An access record's `preuve` flag (a signed proof was issued) is written at the end only when true:
    records without a proof keep the canonical form, hence the fingerprints, they had before the flag."""
    return _dumps([journal, VERSION, *_canoniques(journal, valeurs)]).encode()


def _canoniques(journal: str, valeurs: Sequence[Any]) -> list[Any]:
    if journal != ACCES:
        return list(valeurs)
    *avant, preuve = valeurs
    return [*avant, True] if preuve else avant


def empreinte_contenu(journal: str, valeurs: Sequence[Any]) -> bytes:
    return _sha256(contenu_canonique(journal, valeurs)).digest()


def empreinte_chainer(precedente: str, rang: int, contenu: bytes) -> str:
    """The record's fingerprint from the previous one, its number and its content's SHA-256 (32 bytes)."""
    return _sha256(bytes.fromhex(precedente) + rang.to_bytes(8, "big") + contenu).hexdigest()


def details_canoniques(details: dict[str, Any] | None) -> str:
    """An administrative action's details, as stored: sorted keys, so equal details hash equally."""
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


# --- checkpoints ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointDeControle:
    journal: str
    numero: int
    rang: int
    empreinte: str
    horodatage: str  # canonical
    cle: str  # fingerprint of the public key that signed
    signature: str  # base64

    def message(self) -> bytes:
        return point_de_controle_message(self.journal, self.numero, self.rang, self.empreinte, self.horodatage)

    def en_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, separators=(",", ":"))


_PREFIXE_JOURNAL = "point de contrôle "


def ancre_lire(ligne: str) -> PointDeControle | None:
    """A checkpoint kept elsewhere: the JSON line `journal_checkpoint` prints, or the JSON log line it writes
    (its message is "point de contrôle {…}"). None for any other line; ValueError for a malformed one."""
    ligne = ligne.strip()
    if not ligne.startswith("{"):
        return None
    objet = json.loads(ligne)
    message = objet.get("message", "")
    if "signature" not in objet and isinstance(message, str) and message.startswith(_PREFIXE_JOURNAL + "{"):
        objet = json.loads(message.removeprefix(_PREFIXE_JOURNAL))
    if "signature" not in objet:
        return None
    try:
        return PointDeControle(
            journal=str(objet["journal"]),
            numero=int(objet["numero"]),
            rang=int(objet["rang"]),
            empreinte=str(objet["empreinte"]),
            horodatage=str(objet["horodatage"]),
            cle=str(objet["cle"]),
            signature=str(objet["signature"]),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"point de contrôle incomplet : {error}") from error


def point_de_controle_message(journal: str, numero: int, rang: int, empreinte: str, horodatage: str) -> bytes:
    return _dumps([_SIGNATURE_DOMAINE, VERSION, journal, numero, rang, empreinte, horodatage]).encode()


def cle_privee_lire(pem: str) -> Ed25519PrivateKey:
    """An Ed25519 private key in PEM (PKCS#8); ValueError otherwise."""
    cle = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(cle, Ed25519PrivateKey):
        raise ValueError("la clé de signature du journal doit être une clé Ed25519")
    return cle


def cle_publique_lire(texte: str) -> Ed25519PublicKey:
    """A public key in PEM, or its 32 raw bytes in base64."""
    texte = texte.strip()
    if texte.startswith("-----BEGIN"):
        cle = serialization.load_pem_public_key(texte.encode())
        if not isinstance(cle, Ed25519PublicKey):
            raise ValueError("clé publique qui n'est pas Ed25519")
        return cle
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(texte, validate=True))


def cle_publique_pem(cle: Ed25519PublicKey) -> str:
    return cle.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def cle_empreinte(cle: Ed25519PublicKey) -> str:
    """Short fingerprint naming a key in checkpoints: SHA-256 of its raw bytes, 16 hex digits."""
    brut = cle.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(brut).hexdigest()[:16]


def point_de_controle_signer(
    cle: Ed25519PrivateKey, *, journal: str, numero: int, rang: int, empreinte: str, horodatage: str
) -> PointDeControle:
    message = point_de_controle_message(journal, numero, rang, empreinte, horodatage)
    return PointDeControle(
        journal=journal,
        numero=numero,
        rang=rang,
        empreinte=empreinte,
        horodatage=horodatage,
        cle=cle_empreinte(cle.public_key()),
        signature=base64.b64encode(cle.sign(message)).decode(),
    )


def signature_valide(point: PointDeControle, cles: dict[str, Ed25519PublicKey]) -> bool:
    """`cles`: the trusted public keys by fingerprint (the current one and the previous ones)."""
    cle = cles.get(point.cle)
    if cle is None:
        return False
    try:
        cle.verify(base64.b64decode(point.signature, validate=True), point.message())
    except (InvalidSignature, ValueError):
        return False
    return True


# --- verification ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anomalie:
    rang: int  # the record number where the journal stops being what was written
    nature: str
    message: str


@dataclass
class Rapport:
    journal: str
    verifies: int = 0
    premier: int | None = None
    dernier: int | None = None
    points_valides: int = 0
    non_scelles: int = 0  # records written but not sealed yet: not in the chain, counted apart
    anomalies: list[Anomalie] = field(default_factory=list)

    @property
    def integre(self) -> bool:
        return not self.anomalies


@dataclass
class _Etat:
    attendu: int
    precedente: str
    points: dict[int, PointDeControle]
    avant_precedente: str = ""  # tells an inserted record from an edited one


class Verification:
    """Streams a journal's records in record-number order (`lignes` of `ajouter`: tuples of
    (rang, empreinte_precedente, empreinte, *values in CHAMPS order with a canonical instant)).

    Checks, for every record: its number follows the previous one (a gap is a deletion), it links to the
    previous record's fingerprint (a mismatch is an insertion, a reordering or a deletion), and its
    fingerprint is that of its content (a mismatch is an edit). Then the signed checkpoints: valid
    signature, and the record they name still carries the fingerprint they signed (else an edit or a
    truncation after the checkpoint). The chain head (`terminer`) must be the last record.
    """

    def __init__(
        self,
        journal: str,
        *,
        points: Iterable[PointDeControle],
        cles: dict[str, Ed25519PublicKey],
    ) -> None:
        self.rapport = Rapport(journal=journal)
        self._points_valides: dict[int, PointDeControle] = {}
        for point in sorted(points, key=lambda p: p.numero):
            if point.journal != journal:
                continue
            if signature_valide(point, cles):
                self._points_valides[point.rang] = point
            else:
                self._signaler(
                    point.rang, "point-de-controle", f"point de contrôle n° {point.numero} : signature invalide"
                )
        self.rapport.points_valides = len(self._points_valides)
        self._etat: _Etat | None = None

    def _signaler(self, rang: int, nature: str, message: str) -> None:
        self.rapport.anomalies.append(Anomalie(rang=rang, nature=nature, message=message))

    def _commencer(self, rang: int, precedente: str) -> _Etat:
        """The first record left: number 1 after the genesis, or right after a signed checkpoint (purge)."""
        self.rapport.premier = rang
        if rang == 1:
            if precedente != GENESE:
                self._signaler(1, "chainage", "enregistrement n° 1 : ne part pas de l'origine de la chaîne")
            return _Etat(attendu=1, precedente=GENESE, points=self._points_valides)
        ancre = self._points_valides.get(rang - 1)
        if ancre is None:
            self._signaler(
                1,
                "non-ancre",
                f"enregistrements n° 1 à {rang - 1} absents sans point de contrôle signé qui les clôture",
            )
            return _Etat(attendu=rang, precedente=precedente, points=self._points_valides)
        return _Etat(attendu=rang, precedente=ancre.empreinte, points=self._points_valides)

    def ajouter(self, lignes: Iterable[Sequence[Any]]) -> None:
        # The hot loop of `journal_verify` (>= 100,000 records/s): locals only, methods on anomalies only.
        dumps, sha256, fromhex, canoniques = _dumps, _sha256, bytes.fromhex, _canoniques
        journal = self.rapport.journal
        entete = [journal, VERSION]
        etat = self._etat
        if self.rapport.premier is None and etat is not None:  # resumed (reprendre): the range starts here
            lignes = list(lignes)
            self.rapport.premier = lignes[0][0] if lignes else None
        compte = 0
        if etat is not None:
            attendu, attendue, avant, points = etat.attendu, etat.precedente, etat.avant_precedente, etat.points
        for ligne in lignes:
            rang, precedente, empreinte = ligne[0], ligne[1], ligne[2]
            if etat is None:
                etat = self._etat = self._commencer(rang, precedente)
                attendu, attendue, avant, points = etat.attendu, etat.precedente, etat.avant_precedente, etat.points
            if rang != attendu:
                self._rupture(attendu, rang)
            elif precedente != attendue:
                self._chainage_rompu(rang, precedente, avant)
            contenu = sha256(dumps(entete + canoniques(journal, ligne[3:])).encode()).digest()
            if sha256(fromhex(precedente) + rang.to_bytes(8, "big") + contenu).hexdigest() != empreinte:
                self._signaler(rang, "modifie", f"enregistrement n° {rang} : contenu modifié depuis son écriture")
            if rang in points:
                self._point_comparer(points[rang], empreinte)
            avant, attendue, attendu = attendue, empreinte, rang + 1
            compte += 1
        if etat is not None:
            etat.attendu, etat.precedente, etat.avant_precedente = attendu, attendue, avant
        self.rapport.verifies += compte

    def _point_comparer(self, point: PointDeControle, empreinte: str) -> None:
        if point.empreinte != empreinte:
            message = f"enregistrement n° {point.rang} : diffère du point de contrôle n° {point.numero}"
            self._signaler(point.rang, "point-de-controle", message)

    def _chainage_rompu(self, rang: int, precedente: str, avant_precedente: str) -> None:
        if avant_precedente and precedente == avant_precedente:
            # It follows the record before the previous one: the previous one was slipped in.
            self._signaler(rang - 1, "insere", f"enregistrement n° {rang - 1} inséré dans la chaîne")
        else:
            self._signaler(rang, "chainage", f"enregistrement n° {rang} : ne suit pas l'enregistrement n° {rang - 1}")

    def _rupture(self, attendu: int, rang: int) -> None:
        if rang > attendu:
            manquants = f"n° {attendu}" if rang == attendu + 1 else f"n° {attendu} à {rang - 1}"
            self._signaler(attendu, "supprime", f"enregistrement(s) {manquants} absent(s) de la chaîne")
        else:
            self._signaler(rang, "ordre", f"enregistrement n° {rang} en double ou hors de son rang")

    # Verifying in parallel (journal_verify --processus): each process takes a range of record numbers and
    # resumes from the two records before it, exactly the state the sequential loop would have there.

    def reprendre(self, contexte: Sequence[tuple[int, str]]) -> None:
        """Go on after records checked elsewhere: `contexte`, the (number, fingerprint) of the last one or
        two records before this range, oldest first; empty when the range starts the journal."""
        if contexte:
            rang, empreinte = contexte[-1]
            avant = contexte[-2][1] if len(contexte) > 1 else ""
            self._etat = _Etat(
                attendu=rang + 1, precedente=empreinte, points=self._points_valides, avant_precedente=avant
            )

    def partir_du_point(self, rang: int) -> None:
        """Start right after the signed checkpoint of record `rang`, without reading the records before it
        (they were verified when it was signed): the next record must be n° `rang` + 1 and follow the
        fingerprint the checkpoint signed. Without a valid checkpoint there, the first record read must be
        anchored as usual."""
        ancre = self._points_valides.get(rang)
        if ancre is not None:
            self.reprendre([(rang, ancre.empreinte)])

    def points_valides(self) -> Iterable[PointDeControle]:
        return self._points_valides.values()

    def etat(self) -> tuple[int, str, str] | None:
        return (self._etat.attendu, self._etat.precedente, self._etat.avant_precedente) if self._etat else None

    def fusionner(self, partie: "Rapport", etat: tuple[int, str, str] | None) -> None:
        """Adds the report of the next range (in order), and takes over its final state."""
        if self.rapport.premier is None:
            self.rapport.premier = partie.premier
        self.rapport.verifies += partie.verifies
        self.rapport.anomalies.extend(partie.anomalies)
        if etat is not None:
            attendu, precedente, avant = etat
            self._etat = _Etat(
                attendu=attendu, precedente=precedente, points=self._points_valides, avant_precedente=avant
            )

    def terminer(
        self, tete: tuple[int, str] | None, tete_apres: tuple[int, str] | None = None, *, partiel: bool = False
    ) -> Rapport:
        """`tete`: the chain head the writers maintain (record number, fingerprint), read before the records;
        `tete_apres`, read after them when writers may have gone on meanwhile. `partiel`: the verification
        stopped before the end on purpose (neither the head nor later checkpoints apply)."""
        etat = self._etat
        if etat is None:
            dernier, empreinte = self._sans_enregistrement(tete)
        else:
            dernier, empreinte = etat.attendu - 1, etat.precedente
            self.rapport.dernier = dernier
        if not partiel:
            self._points_au_dela(dernier)
            if tete is not None:
                self._tete_comparer(tete, tete_apres or tete, dernier, empreinte)
        self.rapport.anomalies.sort(key=lambda anomalie: anomalie.rang)
        return self.rapport

    def _points_au_dela(self, dernier: int) -> None:
        dernier_point = max(self._points_valides.values(), key=lambda p: p.rang, default=None)
        if dernier_point is not None and dernier_point.rang > dernier:
            self._signaler(
                dernier + 1,
                "tronque",
                f"journal tronqué : le point de contrôle n° {dernier_point.numero} atteste {dernier_point.rang} "
                f"enregistrements, le dernier présent est le n° {dernier}",
            )

    def _sans_enregistrement(self, tete: tuple[int, str] | None) -> tuple[int, str]:
        """No record left: an empty journal, or one purged entirely up to a signed checkpoint."""
        if tete is not None and tete[0] > 0:
            ancre = self._points_valides.get(tete[0])
            if ancre is not None:
                return ancre.rang, ancre.empreinte
        return 0, GENESE

    def _tete_comparer(self, avant: tuple[int, str], apres: tuple[int, str], dernier: int, empreinte: str) -> None:
        """A record committed before the head was first read is in the records; none is beyond the head read
        after them (the head and its record are committed together)."""
        if avant[0] > dernier:
            self._signaler(
                dernier + 1,
                "tronque",
                f"journal tronqué : la tête de chaîne est au n° {avant[0]}, il s'arrête au n° {dernier}",
            )
        elif apres[0] < dernier:
            self._signaler(apres[0] + 1, "ajoute", f"enregistrements n° {apres[0] + 1} à {dernier} hors de la chaîne")
        else:
            tete = avant if avant[0] == dernier else apres if apres[0] == dernier else None
            if tete is not None and tete[1] != empreinte:
                self._signaler(dernier, "modifie", f"enregistrement n° {dernier} : diffère de la tête de chaîne")


# --- retention ------------------------------------------------------------------------------------------


def mois_retrancher(jour: date, mois: int) -> date:
    """The same day `mois` months earlier (that month's last day when it is shorter)."""
    annee, index = divmod(jour.year * 12 + jour.month - 1 - mois, 12)
    return date(annee, index + 1, min(jour.day, calendar.monthrange(annee, index + 1)[1]))
