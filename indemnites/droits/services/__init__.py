"""Writes and use cases of the registry, one module per use case."""

from indemnites.droits.services.consultation import Appel, destinataire_verifier, indemnisation_consulter

__all__ = ["Appel", "destinataire_verifier", "indemnisation_consulter"]
