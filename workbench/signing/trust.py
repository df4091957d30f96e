"""The trust store as verification sees it: which keys belong to which person, and which are revoked.

A key is *trusted* only when a person deliberately added it (``workbench keys trust``, the Verify page's
"Trust this key" with the fingerprint shown, or ``--pubkey`` on one ``mdr verify`` run). Keys that arrive in a
bundle (``public_keys/``) or in a workspace backup are never trusted by arriving: they can show that a
signature is *valid*, never who made it. The persistent list lives in the workspace (``trusted_key`` table,
:mod:`workbench.store.keys`); this module is its pure, in-memory form.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from workbench.signing.keys import PublicKey, fingerprint_for, key_id_for


class TrustedKey(BaseModel):
    """One entry: the key, the person it belongs to, who added it and when, and its revocation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_id: str
    fingerprint: str
    name: str
    email: str
    public_key: str  # base64 of the raw 32-byte key
    added_by: str = ""
    added_at: str = ""
    revoked_at: str | None = None
    revoked_by: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def key(self, source: str = "trust_store") -> PublicKey:
        return PublicKey(raw=base64.b64decode(self.public_key), name=self.name, email=self.email, source=source)

    @classmethod
    def of(cls, key: PublicKey, *, added_by: str = "", added_at: str = "") -> TrustedKey:
        return cls(key_id=key_id_for(key.raw), fingerprint=fingerprint_for(key.raw), name=key.name, email=key.email,
                   public_key=base64.b64encode(key.raw).decode("ascii"), added_by=added_by, added_at=added_at)


class TrustStore:
    """Trusted keys by key id (a revoked entry stays, so verification can say "revoked")."""

    def __init__(self, entries: Iterable[TrustedKey] = ()) -> None:
        self._by_id: dict[str, TrustedKey] = {}
        for entry in entries:
            self._by_id[entry.key_id] = entry

    @classmethod
    def of_keys(cls, keys: Iterable[PublicKey], *, added_by: str = "command line") -> TrustStore:
        """A store of keys trusted for one run (e.g. ``--pubkey`` files)."""
        return cls(TrustedKey.of(k, added_by=added_by) for k in keys)

    def merged(self, other: TrustStore) -> TrustStore:
        return TrustStore([*self._by_id.values(), *other.entries()])

    def get(self, key_id: str) -> TrustedKey | None:
        return self._by_id.get(key_id)

    def is_trusted(self, key_id: str) -> bool:
        entry = self._by_id.get(key_id)
        return entry is not None and not entry.revoked

    def entries(self) -> list[TrustedKey]:
        return sorted(self._by_id.values(), key=lambda e: (e.name.lower(), e.key_id))

    def public_keys(self) -> list[PublicKey]:
        return [e.key() for e in self.entries()]

    def __len__(self) -> int:
        return len(self._by_id)


__all__ = ["TrustStore", "TrustedKey"]
