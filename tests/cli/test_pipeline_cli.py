"""Issue 18 "Done when": from an empty workspace to a signed, accepted MDR with the CLI alone.

Every step is a real ``python -m workbench`` child process, as a CI pipeline would run it: a profile from a
template, a candidate, evidence (a real inspect_ai log), the ranking, the draft, an edit, the proposal, a key and
its trust, the approval signature (the record's quorum asks for it), the acceptance — then the record is shown
accepted and signed, its bundle verifies offline, and ``recheck`` is quiet.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROFILE = "Contract clause extraction"


def test_empty_workspace_to_a_signed_accepted_record(run_subprocess, tmp_path):
    run = run_subprocess
    assert run.json("profiles", "list") == {"profiles": []}

    profile = run.json("profiles", "create", "--name", PROFILE, "--template", "high_precision_extraction")
    assert profile["profile"]["template"]
    run.json("profiles", "set", PROFILE, "weights.schema_adherence=3", "--expect-version", "1")

    added = run.json("candidates", "add", "--name", "Acme Extract 1", "provider=Acme", "context_window=128000",
                     'pricing={"input_per_mtok": 0.4, "output_per_mtok": 1.6}',
                     "capabilities.schema_adherence.rating=A", "--source", "https://acme.example/pricing")
    assert added["candidate"]["provenance"]["pricing"]["source"] == "https://acme.example/pricing"

    evidence = run.json("import", "evidence", str(FIXTURES / "evidence" / "inspect_ai_log_v2_mockllm.json"),
                        "--profile", PROFILE, "--candidate", "GPT-5.4")
    assert len(evidence["runs"]) == 1

    ranking = run.json("rank", "--profile", PROFILE)
    winner = ranking["ranking"]["rows"][0]["name"]

    drafted = run.json("mdr", "draft", "--profile", PROFILE)
    mdr_id = drafted["record"]["mdr_id"]
    assert drafted["record"]["status"] == "draft" and drafted["mdr"]["body"]["selection"]["selected_model"] == winner
    triggers = drafted["mdr"]["body"]["rollout"]["reconsideration_triggers"]
    assert {t["kind"] for t in triggers} >= {"price_change", "dominated", "outranked"}

    edited = run.json("mdr", "edit", mdr_id, "--set",
                      "context.problem_statement=Extract indemnity and liability clauses from supplier contracts.",
                      "--set", "rollout.reconsideration_triggers[0].threshold_pct=15",
                      "--set", 'decision-makers=["Ana Lima"]')  # named before signing: they are in the signed text
    assert edited["record"]["version"] > drafted["record"]["version"]
    run.json("mdr", "propose", mdr_id)

    key_dir = tmp_path / "keys"
    key = run.json("keys", "create", "--name", "Ana Lima", "--email", "ana@example.com", "--key-dir", str(key_dir))
    pubkey = key_dir / f"{key['key_id']}.pub"
    run.json("keys", "trust", str(pubkey), "--name", "Ana Lima", "--email", "ana@example.com",
             "--fingerprint", key["fingerprint"])
    run.json("mdr", "quorum", mdr_id, "--rule", "security: ana@example.com")

    code, _, err = run("mdr", "accept", mdr_id, "--decision-maker", "Ana Lima")
    assert code == 2 and err.strip(), "accepting before the quorum's approval must be refused"

    approved = run.json("mdr", "approve", mdr_id, "--key", "ana@example.com", "--key-dir", str(key_dir),
                        "--role", "security")
    assert approved["verdict"] == "approve"
    accepted = run.json("mdr", "accept", mdr_id, "--decision-maker", "Ana Lima")
    assert accepted["record"]["status"] == "accepted"

    shown = run.json("mdr", "show", mdr_id)
    assert shown["record"]["status"] == "accepted" and shown["record"]["signatures"] >= 1
    assert shown["mdr"]["front"]["decision_makers"] == ["Ana Lima"]
    assert shown["mdr"]["body"]["context"]["problem_statement"].startswith("Extract indemnity")
    assert shown["mdr"]["body"]["rollout"]["reconsideration_triggers"][0]["threshold_pct"] == 15

    bundle = tmp_path / "bundle"
    run.json("mdr", "export", mdr_id, "--out", str(bundle))
    code, out, err = run("mdr", "verify", str(next(bundle.glob("*.zip"))), "--json")
    assert code == 0, err + out

    code, out, err = run("recheck", "--json")
    assert code == 0, err + out
    report = json.loads(out)
    assert report["records_checked"] == 1 and report["fired"] == 0
    assert report["records"][0]["triggers_source"] == "record"
