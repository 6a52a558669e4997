"""Password guessing on the admin login: after five failures the account is refused, then the address, even with
the right password; each failure is recorded; a success before the limit resets the count."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "rio-ucayali-lancha-1987-verde"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor() -> User:
    return User.objects.create_user("editora", password=PASSWORD, is_staff=True)


def _try(client: Client, username: str, password: str, address: str = "203.0.113.5") -> int:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address).status_code


def test_the_account_is_locked_after_five_failures(editor: User) -> None:
    client = Client()
    assert [_try(client, "editora", f"wrong-{i}") for i in range(5)][:4] == [200] * 4
    assert _try(client, "editora", PASSWORD) == 429  # the right password is refused too
    assert _try(Client(), "editora", PASSWORD, address="198.51.100.7") == 429  # from another address as well
    assert AccessAttempt.objects.filter(username="editora").exists()


def test_the_address_is_locked_whatever_the_account(editor: User) -> None:
    client = Client()
    for i in range(5):
        _try(client, f"someone-{i}", "guess")
    assert _try(client, "editora", PASSWORD) == 429
    assert _try(Client(), "editora", PASSWORD, address="198.51.100.8") == 302  # the account itself is not locked


def test_a_success_resets_the_count(editor: User) -> None:
    client = Client()
    for i in range(4):
        _try(client, "editora", f"wrong-{i}")
    assert _try(client, "editora", PASSWORD) == 302
    client.logout()
    for i in range(4):
        assert _try(client, "editora", f"wrong-again-{i}") == 200
