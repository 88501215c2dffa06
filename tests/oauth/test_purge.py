"""`manage.py cleartokens` (scheduled): expired connected-mode tokens, codes and id_tokens go; live ones
stay. Refresh tokens age out REFRESH_TOKEN_EXPIRE_SECONDS after their access token."""

from datetime import timedelta
from io import StringIO

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from indemnites.oauth.models import AccessToken, Grant, IDToken, RefreshToken
from tests.oauth import outils


def purger() -> None:
    call_command("cleartokens", stdout=StringIO(), stderr=StringIO())


def test_live_tokens_and_codes_stay(http, client_individu, jean):
    outils.jetons(http, client_individu, jean)
    outils.code_obtenir(http, client_individu, jean, outils.pkce()[1])

    purger()

    assert AccessToken.objects.count() == 1
    assert IDToken.objects.count() == 1
    assert Grant.objects.count() == 1


def test_expired_access_tokens_id_tokens_and_codes_are_purged(http, client_individu, jean):
    outils.jetons(http, client_individu, jean)
    outils.code_obtenir(http, client_individu, jean, outils.pkce()[1])

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        purger()

    assert not AccessToken.objects.exists()
    assert not IDToken.objects.exists()
    assert not Grant.objects.exists()


def test_refresh_tokens_age_out_after_their_access_token(http, jean):
    client = outils.client_individu(refresh_autorise=True)
    outils.jetons(http, client, jean)
    duree = timedelta(seconds=settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"])

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        purger()
    assert RefreshToken.objects.count() == 1
    assert AccessToken.objects.count() == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=11) + duree):
        purger()
    assert not RefreshToken.objects.exists()
    assert not AccessToken.objects.exists()
