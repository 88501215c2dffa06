"""Requests as our middleware and decorators leave them, for the type checker: what rides on them."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class Requete(HttpRequest):
    """Every request once RequestIdMiddleware has seen it."""

    request_id: str


class RequeteConnectee(Requete):
    """A request behind a login (login_required, LoginRequiredMixin): its user is an account."""

    user: User  # narrower than HttpRequest's `User | AnonymousUser`: the login ensures it
