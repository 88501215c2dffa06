"""The chain rules, without a database: an untouched journal always verifies; any edit, deletion,
insertion, reordering or truncation after a checkpoint is found, at the record where it happened."""

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from indemnites.journal import domain
from indemnites.journal.domain import ACCES, GENESE, Verification

CLE = Ed25519PrivateKey.generate()
CLES = {domain.cle_empreinte(CLE.public_key()): CLE.public_key()}
ORIGINE = datetime(2026, 1, 1, tzinfo=UTC)

textes = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
contenus = st.tuples(
    st.integers(0, 10**12).map(lambda us: domain.horodatage_canonique(ORIGINE + timedelta(microseconds=us))),
    textes,
    st.sampled_from(["partenaire", "individu"]),
    textes,
    st.sampled_from(["", "12"]),
    st.sampled_from(["", "13002526500013"]),
    textes,
    st.sampled_from(["", "beneficiaireAssuranceChomage"]),
    st.sampled_from(["donnees-transmises", "jeton-invalide"]),
    st.sampled_from([200, 401, 403, 404]),
    textes,
    st.sampled_from(["", "ab" * 32]),
    st.booleans(),  # preuve
)


def chainer(contenus: list[tuple], depuis: int = 0, precedente: str = GENESE) -> list[tuple]:
    lignes = []
    for rang, valeurs in enumerate(contenus, start=depuis + 1):
        empreinte = domain.empreinte_chainer(precedente, rang, domain.empreinte_contenu(ACCES, valeurs))
        lignes.append((rang, precedente, empreinte, *valeurs))
        precedente = empreinte
    return lignes


def point(lignes: list[tuple], rang: int, numero: int = 1) -> domain.PointDeControle:
    empreinte = next(ligne[2] for ligne in lignes if ligne[0] == rang)
    horodatage = domain.horodatage_canonique(ORIGINE)
    return domain.point_de_controle_signer(
        CLE, journal=ACCES, numero=numero, rang=rang, empreinte=empreinte, horodatage=horodatage
    )


def verifier(lignes: list[tuple], tete: tuple[int, str] | None, points=()) -> domain.Rapport:
    verification = Verification(ACCES, points=points, cles=CLES)
    verification.ajouter(lignes)
    return verification.terminer(tete)


def tete_de(lignes: list[tuple]) -> tuple[int, str]:
    return (lignes[-1][0], lignes[-1][2]) if lignes else (0, GENESE)


def premiere_anomalie(rapport: domain.Rapport) -> int:
    assert not rapport.integre, "altération non détectée"
    return rapport.anomalies[0].rang


journaux = st.lists(contenus, min_size=1, max_size=25)
# Enough examples to meet every kind of position (first, middle, last, around a checkpoint) in a few seconds.
ALTERATIONS = settings(max_examples=60, deadline=None)


@ALTERATIONS
@given(journaux, st.data())
def test_an_untouched_journal_always_verifies(valeurs, data):
    lignes = chainer(valeurs)
    rang = data.draw(st.integers(1, len(lignes)))

    rapport = verifier(lignes, tete_de(lignes), points=[point(lignes, rang)])

    assert rapport.integre, rapport.anomalies
    assert (rapport.premier, rapport.dernier, rapport.verifies) == (1, len(lignes), len(lignes))


@ALTERATIONS
@given(journaux, st.data())
def test_an_edited_field_is_found_at_its_record(valeurs, data):
    lignes = chainer(valeurs)
    rang = data.draw(st.integers(1, len(lignes)))
    colonne = data.draw(st.integers(1, len(lignes[0]) - 1))
    ligne = list(lignes[rang - 1])
    ancienne = ligne[colonne]
    if isinstance(ancienne, bool):  # the proof flag: a boolean column, edited to the other value
        nouvelle = not ancienne
    else:
        nouvelle = data.draw(
            (st.integers(0, 999) if isinstance(ancienne, int) else textes).filter(lambda v: v != ancienne)
        )
    if colonne in (1, 2):  # a fingerprint: still 64 hex digits
        nouvelle = domain.empreinte_chainer(GENESE, 0, str(nouvelle).encode().ljust(32, b"x")[:32])
    ligne[colonne] = nouvelle
    lignes[rang - 1] = tuple(ligne)

    assert premiere_anomalie(verifier(lignes, tete_de(chainer(valeurs)))) == rang


@ALTERATIONS
@given(journaux, st.data())
def test_a_deleted_record_is_found_at_its_number(valeurs, data):
    lignes = chainer(valeurs)
    tete = tete_de(lignes)
    rang = data.draw(st.integers(1, len(lignes)))

    del lignes[rang - 1]

    assert premiere_anomalie(verifier(lignes, tete)) == rang


@ALTERATIONS
@given(journaux, contenus, st.data(), st.booleans())
def test_an_inserted_record_is_found_at_its_number(valeurs, intrus, data, bien_forge):
    lignes = chainer(valeurs)
    tete = tete_de(lignes)
    rang = data.draw(st.integers(1, len(lignes)))
    precedente = lignes[rang - 2][2] if rang > 1 else GENESE
    empreinte = domain.empreinte_chainer(precedente, rang, domain.empreinte_contenu(ACCES, intrus))
    if not bien_forge:
        empreinte = "f" * 64
    decalees = [(ligne[0] + 1, *ligne[1:]) for ligne in lignes[rang - 1 :]]

    lignes = [*lignes[: rang - 1], (rang, precedente, empreinte, *intrus), *decalees]

    assert premiere_anomalie(verifier(lignes, tete)) == rang


@ALTERATIONS
@given(st.lists(contenus, min_size=2, max_size=25), st.data())
def test_reordered_records_are_found_at_the_first_one_moved(valeurs, data):
    lignes = chainer(valeurs)
    tete = tete_de(lignes)
    i = data.draw(st.integers(1, len(lignes) - 1))
    j = data.draw(st.integers(i + 1, len(lignes)))
    a, b = lignes[i - 1], lignes[j - 1]

    lignes[i - 1], lignes[j - 1] = (i, *b[1:]), (j, *a[1:])  # each takes the other's place

    assert premiere_anomalie(verifier(lignes, tete)) == i


@ALTERATIONS
@given(st.lists(contenus, min_size=2, max_size=25), st.data(), st.booleans())
def test_truncation_after_a_checkpoint_is_found(valeurs, data, tete_recalee):
    lignes = chainer(valeurs)
    signe = data.draw(st.integers(2, len(lignes)))
    garde = data.draw(st.integers(1, signe - 1))
    points = [point(lignes, signe)]
    tete = tete_de(lignes)

    lignes = lignes[:garde]
    if tete_recalee:  # the forger also moved the chain head back
        tete = tete_de(lignes)

    assert premiere_anomalie(verifier(lignes, tete, points)) == garde + 1


def test_truncation_after_the_last_checkpoint_with_the_head_moved_back_is_not_detectable():
    """The limit every hash chain has (docs/journal.md): what follows the last signed checkpoint can be cut
    by whoever can rewrite the database, head included. Frequent checkpoints shrink that window."""
    lignes = chainer([("2026-01-01T00:00:00.000000Z", *[""] * 8, 200, "", "")] * 3)

    assert verifier(lignes[:2], tete_de(lignes[:2]), [point(lignes, 2)]).integre


def test_a_forged_checkpoint_signature_is_reported():
    lignes = chainer([("2026-01-01T00:00:00.000000Z", *[""] * 8, 200, "", "")] * 3)
    faux = point(lignes, 2)
    faux = domain.PointDeControle(**{**faux.__dict__, "rang": 3, "empreinte": lignes[2][2]})

    rapport = verifier(lignes, tete_de(lignes), [faux])

    assert [(a.nature, a.rang) for a in rapport.anomalies] == [("point-de-controle", 3)]


def test_a_checkpoint_signed_by_an_unknown_key_is_reported():
    lignes = chainer([("2026-01-01T00:00:00.000000Z", *[""] * 8, 200, "", "")] * 2)
    autre = domain.point_de_controle_signer(
        Ed25519PrivateKey.generate(), journal=ACCES, numero=1, rang=2, empreinte=lignes[1][2], horodatage="x"
    )

    assert not verifier(lignes, tete_de(lignes), [autre]).integre


@ALTERATIONS
@given(st.lists(contenus, min_size=3, max_size=25), st.data())
def test_a_purged_journal_verifies_from_its_anchor_and_not_without_it(valeurs, data):
    lignes = chainer(valeurs)
    borne = data.draw(st.integers(1, len(lignes) - 1))
    ancre = point(lignes, borne)

    assert verifier(lignes[borne:], tete_de(lignes), [ancre]).integre
    assert premiere_anomalie(verifier(lignes[borne:], tete_de(lignes))) == 1


def test_a_journal_purged_entirely_verifies_on_its_anchor():
    lignes = chainer([("2026-01-01T00:00:00.000000Z", *[""] * 8, 200, "", "")] * 2)

    assert verifier([], tete_de(lignes), [point(lignes, 2)]).integre
    assert not verifier([], tete_de(lignes)).integre


def test_records_beyond_the_head_are_reported():
    lignes = chainer([("2026-01-01T00:00:00.000000Z", *[""] * 8, 200, "", "")] * 3)

    rapport = verifier(lignes, tete_de(lignes[:2]))

    assert [(a.nature, a.rang) for a in rapport.anomalies] == [("ajoute", 3)]


def test_the_journal_name_is_part_of_the_fingerprint():
    valeurs = ("2026-01-01T00:00:00.000000Z", "", "", "", "", "")

    assert domain.empreinte_contenu("acces", valeurs) != domain.empreinte_contenu("administratif", valeurs)


@given(st.datetimes(timezones=st.just(UTC)), st.integers(-14 * 60, 14 * 60))
def test_the_canonical_instant_does_not_depend_on_the_time_zone(instant, minutes):
    ailleurs = instant.astimezone(timezone(timedelta(minutes=minutes)))

    assert domain.horodatage_canonique(ailleurs) == domain.horodatage_canonique(instant)
    assert domain.horodatage_canonique(instant.replace(tzinfo=None)) == domain.horodatage_canonique(instant)
    assert len(domain.horodatage_canonique(instant)) == 27


def test_an_anchor_is_read_from_the_command_line_or_from_the_log_line():
    lignes = chainer([("2026-01-01T00:00:00.000000Z", *[""] * 8, 200, "", "")])
    signe = point(lignes, 1)
    log = '{"time": "x", "level": "INFO", "message": "point de contrôle ' + signe.en_json().replace('"', '\\"') + '"}'

    assert domain.ancre_lire(signe.en_json()) == signe
    assert domain.ancre_lire(log) == signe
    assert domain.ancre_lire("une autre ligne") is None
    with pytest.raises(ValueError):
        domain.ancre_lire('{"signature": "x"}')


@pytest.mark.parametrize(
    ("jour", "mois", "attendu"),
    [
        (date(2026, 11, 26), 12, date(2025, 11, 26)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 5, 31), 36, date(2023, 5, 31)),
    ],
)
def test_months_are_taken_back_on_the_calendar(jour, mois, attendu):
    assert domain.mois_retrancher(jour, mois) == attendu


@settings(max_examples=50)
@given(st.dates(min_value=date(1900, 1, 1)), st.integers(0, 600))
def test_taking_months_back_lands_within_the_right_month(jour, mois):
    resultat = domain.mois_retrancher(jour, mois)

    assert (jour.year * 12 + jour.month) - (resultat.year * 12 + resultat.month) == mois
    assert resultat.day <= jour.day


@ALTERATIONS
@given(st.lists(contenus, min_size=2, max_size=25), st.data())
def test_ranges_checked_apart_find_what_one_pass_finds(valeurs, data):
    """`journal_verify --processus N`: each range resumes from the two records before it."""
    lignes = chainer(valeurs)
    tete = tete_de(lignes)
    for _ in range(data.draw(st.integers(0, 3))):  # random damage: deletions and edits
        if len(lignes) > 1 and data.draw(st.booleans()):
            del lignes[data.draw(st.integers(0, len(lignes) - 1))]
        else:
            index = data.draw(st.integers(0, len(lignes) - 1))
            lignes[index] = (*lignes[index][:4], "modifié", *lignes[index][5:])
    coupures = sorted(set(data.draw(st.lists(st.integers(1, len(lignes) - 1), max_size=4)))) if len(lignes) > 1 else []
    morceaux = [lignes[a:b] for a, b in zip([0, *coupures], [*coupures, len(lignes)], strict=True)]

    fusion = Verification(ACCES, points=[], cles=CLES)
    for rang, morceau in enumerate(morceaux):
        partie = Verification(ACCES, points=[], cles=CLES)
        debut = sum(len(m) for m in morceaux[:rang])
        partie.reprendre([(ligne[0], ligne[2]) for ligne in lignes[max(0, debut - 2) : debut]])
        partie.ajouter(morceau)
        fusion.fusionner(partie.rapport, partie.etat())

    attendu = verifier(lignes, tete)
    obtenu = fusion.terminer(tete)
    assert obtenu.anomalies == attendu.anomalies
    assert (obtenu.verifies, obtenu.premier, obtenu.dernier) == (attendu.verifies, attendu.premier, attendu.dernier)


# An access record's values before the proof flag (the order of domain.contenu_canonique).
VALEURS_SANS_DRAPEAU = [
    "2026-01-01T00:00:00.000000Z",
    "r",
    "partenaire",
    "c",
    "",
    "",
    "s",
    "",
    "donnees-transmises",
    200,
    "",
    "",
]


def test_a_record_without_proof_keeps_the_canonical_form_it_had_before_the_flag():
    valeurs = VALEURS_SANS_DRAPEAU

    sans_preuve = domain.contenu_canonique(ACCES, [*valeurs, False])

    assert sans_preuve == json.dumps([ACCES, 1, *valeurs], separators=(",", ":")).encode()
    assert domain.contenu_canonique(ACCES, [*valeurs, 0]) == sans_preuve  # SQLite gives booleans back as 0/1


def test_the_proof_flag_is_part_of_the_fingerprint():
    valeurs = VALEURS_SANS_DRAPEAU
    assert domain.empreinte_contenu(ACCES, [*valeurs, True]) != domain.empreinte_contenu(ACCES, [*valeurs, False])
    assert domain.empreinte_contenu(ACCES, [*valeurs, 1]) == domain.empreinte_contenu(ACCES, [*valeurs, True])
