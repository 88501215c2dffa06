"""Reads of the traffic app."""

from django.db.models import QuerySet

from indemnites.trafic.models import AlerteUsage


def alertes_ouvertes() -> QuerySet[AlerteUsage]:
    """Alerts no instructor has dealt with yet, most recent first."""
    return AlerteUsage.objects.filter(traitee_le__isnull=True)
