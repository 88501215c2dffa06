"""Rules shared by several domains. No Django imports."""

import re

# ASCII digits only: `\d` would take other scripts' digits, and `$` a trailing newline.
SIRET_PATTERN = re.compile(r"[0-9]{14}")
# La Poste's establishments share one SIREN and use a digit-sum rule instead of Luhn (INSEE).
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # the head office follows Luhn


def luhn_valide(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_valide(siret: str) -> bool:
    """14 digits with a valid Luhn key (or La Poste's digit-sum rule)."""
    if not SIRET_PATTERN.fullmatch(siret):
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        return sum(int(char) for char in siret) % 5 == 0
    return luhn_valide(siret)
