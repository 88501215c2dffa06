"""In-process counters (no REDIS_URL): fixed windows and daily sets that expire, with bounded memory."""

from datetime import UTC, datetime, timedelta

import time_machine
from hypothesis import given
from hypothesis import strategies as st

from indemnites.trafic.storage import CompteursMemoire, Personnes, Quota

DEBUT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_a_window_counts_its_hits_then_opens_anew_when_it_ends():
    compteurs = CompteursMemoire()
    with time_machine.travel(DEBUT, tick=False) as horloge:
        assert compteurs.compter("ip:a", 60) == (1, DEBUT.timestamp() + 60)
        horloge.shift(59)
        assert compteurs.compter("ip:a", 60) == (2, DEBUT.timestamp() + 60)
        horloge.shift(1)

        assert compteurs.compter("ip:a", 60) == (1, DEBUT.timestamp() + 120)


def test_keys_count_apart():
    compteurs = CompteursMemoire()

    compteurs.compter("ip:a", 60)

    assert compteurs.compter("ip:b", 60)[0] == 1


@given(st.lists(st.integers(0, 3), max_size=60), st.integers(1, 10))
def test_hits_within_one_window_are_all_counted(decalages, fenetre):
    compteurs = CompteursMemoire()
    with time_machine.travel(DEBUT, tick=False) as horloge:
        vus = [compteurs.compter("k", fenetre)]
        for secondes in decalages:
            if (datetime.now(UTC) - DEBUT).total_seconds() + secondes >= fenetre:
                break
            horloge.shift(secondes)
            vus.append(compteurs.compter("k", fenetre))

    assert [consommes for consommes, _ in vus] == list(range(1, len(vus) + 1))
    assert {fin for _, fin in vus} == {DEBUT.timestamp() + fenetre}


def test_a_new_person_over_the_ceiling_is_refused_a_known_one_passes_and_the_set_expires():
    compteurs = CompteursMemoire()
    quota = Quota(cle="client:c", quota=100, fenetre=1)

    def personne(membre: str) -> bool:
        return compteurs.client_compter(quota, Personnes(cle="p:c:j", membre=membre, plafond=2, duree=3600))[2]

    with time_machine.travel(DEBUT, tick=False) as horloge:
        assert [personne("a"), personne("b"), personne("c"), personne("a")] == [True, True, False, True]
        horloge.shift(timedelta(hours=1))

        assert personne("c") is True


def test_expired_windows_and_sets_are_dropped_so_memory_stays_bounded():
    compteurs = CompteursMemoire()
    quota = Quota(cle="client:c", quota=100, fenetre=1)
    with time_machine.travel(DEBUT, tick=False) as horloge:
        for rang in range(1000):
            compteurs.compter(f"ip:{rang}", 60)
        compteurs.client_compter(quota, Personnes(cle="p:c:j", membre="a", plafond=5, duree=120))
        horloge.shift(compteurs.MENAGE_SECONDES + 120)

        compteurs.compter("ip:nouvelle", 60)

    assert list(compteurs._fenetres) == ["ip:nouvelle"]
    assert compteurs._ensembles == {}
