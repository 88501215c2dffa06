"""Generates a development key under var/ once: the OIDC signing key (RSA), or with `--ed25519` the journal's
checkpoint signing key. It is git-ignored, never committed."""

import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa


def main(path: Path, kind: str = "rsa") -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    print(f"Clé {'du journal' if kind == 'ed25519' else 'OIDC'} de développement créée : {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), "ed25519" if "--ed25519" in sys.argv[2:] else "rsa")
