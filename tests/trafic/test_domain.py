import math
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indemnites.trafic.domain import (
    Etat,
    Politique,
    adresse_source,
    attente_maximale,
    cle_adresse,
    en_tetes,
    etat_le_plus_contraignant,
    etat_ouvert,
    politique_lire,
    seuil_personnes,
    verrouillage_attente,
)

# draft-ietf-httpapi-ratelimit-headers-11: lists of sf-string items with integer parameters.
POLICY_ITEM = re.compile(r'"[a-z0-9-]+";q=\d+;w=[1-9]\d*')
LIMIT_ITEM = re.compile(r'"[a-z0-9-]+";r=\d+;t=\d+')

politiques = st.builds(
    Politique,
    nom=st.sampled_from(["client", "ip", "jeton", "connexion"]),
    quota=st.integers(0, 10_000),
    fenetre=st.integers(1, 86_400),
)


@st.composite
def etats(draw: st.DrawFn) -> tuple[list[Etat], float]:
    maintenant = draw(st.floats(1e9, 2e9, allow_nan=False))
    liste = []
    for politique in draw(st.lists(politiques, min_size=1, max_size=4)):
        fin = maintenant + draw(st.floats(0, politique.fenetre, allow_nan=False))
        liste.append(Etat(politique=politique, consommes=draw(st.integers(1, politique.quota + 5)), fin=fin))
    return liste, maintenant


@pytest.mark.parametrize(
    ("texte", "quota", "fenetre"),
    [
        ("20/second", 20, 1),
        ("20/minute", 20, 60),
        ("1000/hour", 1000, 3600),
        ("5/10 seconds", 5, 10),
        ("3/jour", 3, 86400),
    ],
)
def test_policies_are_read_from_settings_text(texte, quota, fenetre):
    assert politique_lire("jeton", texte) == Politique("jeton", quota, fenetre)


@pytest.mark.parametrize("texte", ["", "20", "20/fortnight", "-1/minute", "x/minute"])
def test_unreadable_policies_are_refused(texte):
    with pytest.raises(ValueError, match="limite illisible"):
        politique_lire("jeton", texte)


@given(etats())
def test_headers_follow_the_draft_syntax_and_describe_every_policy(cas):
    liste, maintenant = cas
    tetes = en_tetes(liste, maintenant)

    politiques_annoncees = tetes["RateLimit-Policy"].split(", ")
    limites = tetes["RateLimit"].split(", ")
    assert len(politiques_annoncees) == len(limites) == len(liste)
    assert all(POLICY_ITEM.fullmatch(item) for item in politiques_annoncees)
    assert all(LIMIT_ITEM.fullmatch(item) for item in limites)


@given(etats())
def test_legacy_headers_describe_the_least_remaining_policy(cas):
    liste, maintenant = cas
    tetes = en_tetes(liste, maintenant)

    assert int(tetes["RateLimit-Remaining"]) == min(etat.restant for etat in liste)
    assert int(tetes["RateLimit-Reset"]) >= etat_le_plus_contraignant(liste).fin  # a Unix time, rounded up
    assert 0 <= int(tetes["RateLimit-Remaining"]) <= int(tetes["RateLimit-Limit"])


@given(etats())
def test_retry_after_never_points_before_the_end_of_an_exceeded_window(cas):
    liste, maintenant = cas
    depasses = [etat for etat in liste if etat.depasse]
    if not depasses:
        return

    attente = attente_maximale(liste, maintenant)

    assert attente >= 1
    assert all(maintenant + attente >= etat.fin for etat in depasses)
    assert attente <= max(math.ceil(etat.fin - maintenant) for etat in depasses) + 1


@given(st.integers(0, 100), st.integers(1, 100))
def test_a_window_is_exceeded_exactly_past_its_quota(consommes, quota):
    etat = Etat(Politique("client", quota, 1), consommes=consommes, fin=0.0)

    assert etat.depasse is (consommes > quota)
    assert etat.restant == max(0, quota - consommes)


def test_an_ipv6_host_is_counted_per_64_network_and_ipv4_per_address():
    assert cle_adresse("2001:db8:1:2::1") == cle_adresse("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert cle_adresse("2001:db8:1:3::1") != cle_adresse("2001:db8:1:2::1")
    assert cle_adresse("192.0.2.1") != cle_adresse("192.0.2.2")
    assert cle_adresse("::ffff:192.0.2.1") == "192.0.2.1"
    assert cle_adresse("n'importe quoi") == "inconnue"


def test_forwarded_for_is_read_only_behind_trusted_proxies():
    assert adresse_source("10.0.0.1", "203.0.113.9", 0) == "10.0.0.1"
    assert adresse_source("10.0.0.1", "198.51.100.7, 203.0.113.9", 1) == "203.0.113.9"
    assert adresse_source("10.0.0.1", "198.51.100.7, 203.0.113.9", 2) == "198.51.100.7"
    assert adresse_source("10.0.0.1", "", 1) == "10.0.0.1"


@given(st.one_of(st.none(), st.integers(1, 10**7)), st.floats(1.0, 5.0), st.integers(1, 10**6))
@example(None, 1.0000000000000002, 1)  # a margin read from a setting carries float noise: 1 person, not 2
def test_the_distinct_persons_threshold_is_the_volume_with_its_margin(volume, marge, defaut):
    seuil = seuil_personnes(volume, marge=marge, defaut=defaut)

    assert seuil >= (volume or defaut) * marge - 1e-6
    assert seuil < (volume or defaut) * marge + 1


def test_a_limit_that_failed_open_is_not_advertised():
    compte = Etat(politique=Politique("ip", 10, 60), consommes=3, fin=1060.0)
    ouvert = etat_ouvert(Politique("client", 20, 1), 1000.0)

    assert en_tetes([ouvert], 1000.0) == {}
    assert en_tetes([compte, ouvert], 1000.0)["RateLimit"] == '"ip";r=7;t=60'


@given(
    quota=st.integers(1, 10),
    fenetre=st.integers(1, 3600),
    ecarts=st.lists(st.floats(0, 4000, allow_nan=False), max_size=20),
)
def test_an_account_is_locked_exactly_while_quota_failures_lie_in_the_window(quota, fenetre, ecarts):
    maintenant = 10_000.0
    moments = sorted((maintenant - ecart for ecart in ecarts), reverse=True)
    politique = Politique("compte", quota, fenetre)

    attente = verrouillage_attente(moments, politique=politique, maintenant=maintenant)

    dans_la_fenetre = [m for m in moments if m > maintenant - fenetre]
    assert (attente is None) == (len(dans_la_fenetre) < quota)
    if attente is not None:
        assert 1 <= attente <= fenetre
        # once waited (and no new failure), an attempt is allowed again
        assert verrouillage_attente(moments, politique=politique, maintenant=maintenant + attente) is None
