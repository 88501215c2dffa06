from collections.abc import Iterator

import pytest

from tests.preuves.service import Service, service_demarrer


@pytest.fixture(scope="package")
def service(tmp_path_factory, django_db_setup, django_db_blocker) -> Iterator[Service]:
    """The real service, started once for the end-to-end tests of this package."""
    with django_db_blocker.unblock(), service_demarrer(tmp_path_factory.mktemp("bout-en-bout")) as demarre:
        yield demarre
