"""The administrator's trusted roots at the counter: read a root from a file, examine it, trust it, stop trusting it.

The screen (ui/trust_roots_screen.py) shows what `examine` returns and asks the administrator to confirm the
fingerprints before `add`; the checks, the audit records and the storage are the replica's
(app/store/trust_roots.py), the same the `govdesk ofd roots` command uses. Runs on the database thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.pki.root_candidate import MAX_ROOT_FILE, RootCandidate
from app.store import roles
from app.store.errors import TrustRootRefused
from app.store.replica import Replica
from app.store.trust_roots import TRUST_LISTS, TrustedRoot


class TrustRootAdmin:
    """Trusted roots of the unlocked replica, by list (`department`, `seal`); changes are admins' and audited."""

    lists = TRUST_LISTS

    def __init__(self, unlocked_replica: Callable[[], Replica]) -> None:
        self._replica = unlocked_replica  # the office's unlocked replica (raises NotUnlocked while locked)

    def roots(self, trust_list: str) -> list[TrustedRoot]:
        """The roots of one list, oldest first."""
        return self._replica().trust_roots.roots(trust_list)

    def examine(self, trust_list: str, path: str | Path) -> RootCandidate:
        """Read a PEM or DER certificate file (at most MAX_ROOT_FILE bytes) and check it as a root for the list."""
        replica = self._replica()
        replica.session.require(roles.SETTINGS_WRITE)  # a clerk learns nothing, not even whether the file exists
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_ROOT_FILE + 1)
        except OSError as exc:
            raise TrustRootRefused("root_unreadable", f"{path}: {exc.strerror or exc}") from None
        return replica.trust_roots.examine(trust_list, data)

    def add(self, trust_list: str, candidate: RootCandidate, label: str = "") -> TrustedRoot:
        """Trust the confirmed candidate (checked again as it is stored); audited as trust_root.add."""
        return self._replica().trust_roots.add(trust_list, candidate.certificate.der, label)

    def remove(self, trust_list: str, fingerprint: bytes) -> bool:
        """Stop trusting the root with this SM3 fingerprint; audited as trust_root.remove. False if absent."""
        return self._replica().trust_roots.remove(trust_list, fingerprint)
