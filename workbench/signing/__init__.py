"""Signing: Ed25519 keys (:mod:`.keys`), DSSE envelopes of in-toto Statements (:mod:`.dsse`), the trust store
(:mod:`.trust`), verification against it (:mod:`.verify`) and approval quorums (:mod:`.quorum`).

Pure of the database and of file formats other than keys: the services combine these with the store and
the bundle format (:mod:`workbench.services.signing`). Conventions are documented in ``docs/signing.md``.
"""

from workbench.signing.dsse import (
    ALLOWED_PAYLOAD_TYPES,
    DISSENT_KIND,
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    SIGNER_EXTENSION_KIND,
    STATEMENT_TYPE,
    Endorsement,
    add_signature,
    b64decode,
    b64encode,
    envelope_parts,
    make_statement,
    pae,
    sign_envelope,
    unsigned_envelope,
)
from workbench.signing.errors import KeyPermissionError, SigningError
from workbench.signing.keys import (
    KeyInfo,
    PublicKey,
    SigningKey,
    default_key_dir,
    find_signing_key,
    fingerprint_for,
    init_key,
    key_id_for,
    list_keys,
    load_public_key,
    load_signing_key,
    person_key_dir,
    public_key_pem,
    public_keys_from_dir,
)
from workbench.signing.quorum import (
    QuorumPolicy,
    QuorumResult,
    QuorumRule,
    evaluate,
    parse_policy,
    parse_rule,
)
from workbench.signing.trust import TrustedKey, TrustStore
from workbench.signing.verify import EnvelopeVerification, SignatureCheck, verify_envelope

__all__ = [
    "ALLOWED_PAYLOAD_TYPES", "DISSENT_KIND", "PAYLOAD_TYPE", "PREDICATE_TYPE", "SIGNER_EXTENSION_KIND",
    "STATEMENT_TYPE", "Endorsement", "EnvelopeVerification", "KeyInfo", "KeyPermissionError", "PublicKey",
    "QuorumPolicy", "QuorumResult", "QuorumRule", "SignatureCheck", "SigningError", "SigningKey", "TrustStore",
    "TrustedKey", "add_signature", "b64decode", "b64encode", "default_key_dir", "envelope_parts", "evaluate",
    "find_signing_key", "fingerprint_for", "init_key", "key_id_for", "list_keys", "load_public_key",
    "load_signing_key", "make_statement", "pae", "parse_policy", "parse_rule", "person_key_dir", "public_key_pem",
    "public_keys_from_dir", "sign_envelope", "unsigned_envelope", "verify_envelope",
]
