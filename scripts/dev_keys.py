"""Generates a development key under var/ once: the OIDC signing key (RSA), with `--ed25519` the journal's
checkpoint signing key, with `--p256` the signed answers' key (ES256). It is git-ignored, never committed."""

import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa


def main(path: Path, kind: str = "rsa") -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    if kind == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    elif kind == "p256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    nom = {"ed25519": "du journal", "p256": "des preuves signées"}.get(kind, "OIDC")
    print(f"Clé {nom} de développement créée : {path}")


if __name__ == "__main__":
    options = sys.argv[2:]
    main(Path(sys.argv[1]), "ed25519" if "--ed25519" in options else "p256" if "--p256" in options else "rsa")
