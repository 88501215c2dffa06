"""What the load benchmarks share: the sandbox client, gunicorn started in its own process group on a free
loopback port (and stopped by that group, whatever happens), a server-to-server token."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # the load never leaves loopback
SETTINGS = "indemnites.config.settings.dev"
NOOP_PATH = "/healthz"
DATA_PATH = "/partenaire/indemnisations/v1/indemnisation"
TOKEN_PATH = "/connexion/oauth2/access_token?realm=/partenaire"
CLIENT_ID = "sandbox-deux-champs"  # a sandbox client of the demo data, granted both fields
CLIENT_SECRET = "sandbox-secret-deux-champs"


class BenchError(Exception):
    """A precondition or a step failed: printed without a traceback."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Serveur:
    """`gunicorn <arguments> --bind 127.0.0.1:<free port>` in its own process group."""

    def __init__(self, arguments: list[str], env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        command = [str(Path(sys.executable).parent / "gunicorn"), *arguments, "--bind", f"{HOST}:{self.port}"]
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, path: str = NOOP_PATH, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn s'est arrêté (code {self.process.returncode}), voir {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn ne répond pas sur {self.base} après {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # our own group: gunicorn's master and workers
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self.log.close()


def jeton(base: str) -> str:
    """A client_credentials token of the sandbox client."""
    data = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": "api_indemnisationsv1",
        }
    ).encode()
    request = urllib.request.Request(base + TOKEN_PATH, data=data, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["access_token"]
