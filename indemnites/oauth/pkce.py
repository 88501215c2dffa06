"""The PKCE policy, referenced from the settings (PKCE_REQUIRED takes a callable).

Settings import this module before Django is ready, hence the import inside the function.
"""


def pkce_requis(client_id: str) -> bool:
    """PKCE S256 for every client but a confidential one flagged "legacy PE Connect client"."""
    from indemnites.oauth.selectors import client_pkce_exempte

    return not client_pkce_exempte(client_id=client_id)
