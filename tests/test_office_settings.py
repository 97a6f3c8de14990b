"""Settings saved from two places at once: the office applies only what each editor changed, so none is lost."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from app import settings as settings_file
from app.office import Office
from app.store.errors import PermissionDenied
from app.store.replica import create_office
from tests.store_support import FAST_KDF


@pytest.fixture
def office(tmp_path: Path) -> Office:
    path = tmp_path / "office"
    with create_office(path, "Hall", "admin", "pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
    office = Office(path)
    office.session.unlock("clerk", "pw")
    yield office
    office.close()


def test_a_dialog_save_keeps_a_language_switch_made_while_it_was_open(office: Office) -> None:
    opened_with = office.settings
    office.save_settings(opened_with.with_changes(language="en"), opened_with)  # the switch, meanwhile
    from_dialog = opened_with.with_changes(lock_minutes=9)  # the dialog, built from the older settings
    stored = office.save_settings(from_dialog, opened_with)
    assert (stored.language, stored.lock_minutes) == ("en", 9)
    assert settings_file.load(office.path) == stored == office.settings


def test_concurrent_saves_of_different_fields_all_land(office: Office) -> None:
    base = office.settings
    edits = [base.with_changes(lock_minutes=m) if m % 2 else base.with_changes(sync_minutes=m) for m in (3, 4)]
    threads = [threading.Thread(target=office.save_settings, args=(edit, base)) for edit in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (office.settings.lock_minutes, office.settings.sync_minutes) == (3, 4)
    assert settings_file.load(office.path) == office.settings


def test_a_clerk_still_cannot_change_the_nodes_and_a_bad_value_is_refused(office: Office) -> None:
    base = office.settings
    with pytest.raises(PermissionDenied):
        office.save_settings(base.with_changes(nodes=(settings_file.NodeSetting("x.example", "http://x"),)), base)
    with pytest.raises(ValueError):
        office.save_settings(replace(base, lock_minutes=-5), base)  # built unchecked: the save checks it
    assert office.settings == base
