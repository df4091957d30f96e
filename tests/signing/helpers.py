"""Shared helpers of the signing tests: keys in a temporary directory, a small record and statement."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from workbench.domain.mdr import MDR, draft_mdr
from workbench.domain.models import Profile
from workbench.io.json_text import load_json
from workbench.signing import (
    PublicKey,
    SigningKey,
    TrustStore,
    init_key,
    load_signing_key,
    make_statement,
    verify_envelope,
)
from workbench.signing.verify import EnvelopeVerification


def make_key(tmp_path: Path, name: str = "Ana Lima", email: str = "ana@example.com", sub: str = "keys") -> SigningKey:
    info = init_key(name, email, tmp_path / sub)
    return load_signing_key(tmp_path / sub / f"{info.key_id}.key")


def record(record_id: str = "MDR-0001") -> MDR:
    return draft_mdr(
        record_id=record_id,
        profile=Profile(name="Ticket triage", task_class="classification"),
        ranked=[("model-a", 0.8), ("model-b", 0.6)],
        excluded={"model-c": ["context 8K < required 16K"]},
        economics={"cost_per_success_usd": 0.0036},
        decision_makers=["Ana Lima"],
        today=date(2026, 6, 7),
    )


def statement() -> dict[str, object]:
    return make_statement({"record.md": b"# hello\n"}, {"mdr_id": "MDR-0001", "status": "draft"})


def trust(*keys: PublicKey) -> TrustStore:
    return TrustStore.of_keys(keys)


def verify(envelope: dict[str, object], *trusted: PublicKey, extra: tuple[PublicKey, ...] = (),
           **kw: object) -> EnvelopeVerification:
    return verify_envelope(envelope, trust(*trusted), parse_json=load_json, extra_keys=extra, **kw)  # type: ignore[arg-type]
