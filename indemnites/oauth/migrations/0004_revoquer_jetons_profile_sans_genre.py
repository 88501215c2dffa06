"""The `profile` scope now releases `gender` too. A job seeker who consented before that was shown
`given_name` and `family_name` only: the connected-mode tokens that carry `profile` are revoked, so that the
person sees the new list of data before anything more is released (they consent again at the next login)."""

from django.db import migrations
from django.utils import timezone


def revoquer(apps, schema_editor):
    AccessToken = apps.get_model("oauth", "AccessToken")
    RefreshToken = apps.get_model("oauth", "RefreshToken")
    avec_profile = [
        pk
        for pk, scope in AccessToken.objects.filter(user__isnull=False).values_list("pk", "scope")
        if "profile" in scope.split()
    ]
    maintenant = timezone.now()
    RefreshToken.objects.filter(access_token_id__in=avec_profile, revoked__isnull=True).update(
        revoked=maintenant, updated=maintenant
    )
    AccessToken.objects.filter(pk__in=avec_profile).delete()


class Migration(migrations.Migration):
    dependencies = [("oauth", "0003_connexion_demandeur")]

    operations = [migrations.RunPython(revoquer, migrations.RunPython.noop)]
