"""Hostile input: property-based fuzzing (hypothesis) of every importer.

For each importer, inputs are valid files mutated by hypothesis (values replaced by random JSON, keys
deleted, types swapped, lines dropped or duplicated, bytes flipped, truncated) plus free-form garbage.
Properties: only the importer's documented error class escapes; every rejection carries a message; for
the importers that write to the store, a rejection leaves every table's row count unchanged.

Budgets are bounded (derandomized, a fixed number of examples each) so the suite runs in seconds; the
number of cases per importer is printed (``pytest -s``) for the release notes.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import traceback
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.store.golden_set import CANDIDATES, golden_set_csv
from workbench.domain.evidence import EvidenceFormat
from workbench.io.calibration import CalibrationFormatError, parse_calibration_csv
from workbench.io.evidence import EvidenceImportError, import_evidence
from workbench.io.hf_config import ArchitectureError, HfConfigError, parse_config_bytes, parse_hf_config
from workbench.io.litellm import LiteLLMError, parse_price_text
from workbench.io.mdr_bundle import BundleError, read_bundle
from workbench.services import catalog_import
from workbench.services.backup_restore import (
    BackupError,
    export_workspace,
    import_workspace,
    loads,
    table_counts,
)
from workbench.services.bundles import verify_files
from workbench.signing import TrustStore
from workbench.store import evidence as ev
from workbench.store.repository import StoreError
from workbench.store.workspace import create_profile, new_profile_model

CASES: dict[str, int] = {}


#: WORKBENCH_FUZZ_SCALE=20 runs 20x the examples with fresh randomness (a deeper search than CI's budget).
SCALE = float(os.environ.get("WORKBENCH_FUZZ_SCALE", "1"))


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None, derandomize=SCALE == 1,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


def _count(name: str) -> None:
    CASES[name] = CASES.get(name, 0) + 1


#: Importer crashes the fuzzing has found and that are not fixed yet: (exception type, file, function).
#: Tolerated in the properties (and counted) so they keep hunting meanwhile. Empty: the six found so far are
#: fixed and kept as regression tests (test_fuzz_found_importer_crashes_are_clear_rejections).
KNOWN_BUGS: set[tuple[type[BaseException], str, str]] = set()


def _known_bug(exc: BaseException, name: str) -> bool:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    hit = any(type(exc) is kind and frame.filename.endswith(f"/{file}") and frame.name == func
              for kind, file, func in KNOWN_BUGS)
    if hit:
        _count(f"{name} (known bug hit)")
    return hit


def _rejected(exc: BaseException) -> None:
    assert str(exc).strip(), f"{type(exc).__name__} without a message"


@pytest.fixture(scope="module", autouse=True)
def _report_cases():
    yield
    print("\nfuzz cases per importer:", json.dumps(CASES, sort_keys=True))


# --------------------------------------------------------------------------- strategies

json_scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
                | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=8)


@st.composite
def mutated_json(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with 1-4 random edits at random paths (replace with random JSON, delete, retype)."""
    obj = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        parent: Any = None
        key: Any = None
        node = obj
        for _ in range(draw(st.integers(0, 6))):
            if isinstance(node, dict) and node:
                parent, key = node, draw(st.sampled_from(sorted(node)))
            elif isinstance(node, list) and node:
                parent, key = node, draw(st.integers(0, len(node) - 1))
            else:
                break
            node = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "retype", "duplicate"]))
        if parent is None:
            if action == "replace":
                obj = draw(json_values)
            continue
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif action == "retype":
            parent[key] = json.dumps(node) if not isinstance(node, str) else draw(st.integers() | st.none())
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(node))
    return obj


@st.composite
def mutated_bytes(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif data:
            del data[pos:pos + draw(st.integers(1, 64))]
    return bytes(data)


@st.composite
def mutated_lines(draw: st.DrawFn, base: str) -> str:
    lines = base.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            lines.append(draw(st.text(max_size=30)))
            continue
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "duplicate", "replace", "cell"]))
        if op == "drop":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "replace":
            lines[i] = draw(st.text(max_size=40))
        else:
            cells = lines[i].split(",")
            j = draw(st.integers(0, len(cells) - 1))
            cells[j] = draw(st.sampled_from(["", "nan", "inf", "-1", "1e999", "yes", '"', "0x10"])
                            | st.text(max_size=8))
            lines[i] = ",".join(cells)
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


def _json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, allow_nan=True).encode("utf-8")


def _one_of_json(base: Any) -> st.SearchStrategy[bytes]:
    """Mutated structure, mutated bytes of the valid file, or garbage."""
    valid = _json_bytes(base)
    return st.one_of(mutated_json(base).map(_json_bytes), mutated_bytes(valid), st.binary(max_size=64),
                     json_values.map(_json_bytes))


# --------------------------------------------------------------------------- LiteLLM prices


@pytest.fixture(scope="module")
def litellm_sample(fixtures_dir) -> dict[str, Any]:
    prices = json.loads((fixtures_dir / "pricing" / "litellm_model_prices.json").read_text())
    keys = [k for k in prices if k != "sample_spec"][:12] + ["gpt-4o"]
    return {k: prices[k] for k in keys if k in prices}


def test_fuzz_litellm_price_file(engine, litellm_sample):
    @fuzz_settings(120)
    @given(data=_one_of_json(litellm_sample), pick=st.integers(0, 20), update=st.booleans())
    def run(data: bytes, pick: int, update: bool) -> None:
        _count("litellm")
        before = table_counts(engine)
        try:
            prices = parse_price_text(data.decode("utf-8", errors="replace"), "prices.json")
            models = [sorted(prices)[pick % len(prices)]] if pick % 3 else []
            plan = catalog_import.preview_litellm(engine, prices, models=models, update_prices=update,
                                                  filename="prices.json", actor="fuzz")
        except LiteLLMError as exc:
            _rejected(exc)
            assert table_counts(engine) == before
            return
        try:
            catalog_import.apply_litellm(engine, plan, "fuzz")
        except StoreError as exc:  # e.g. a duplicate name: the whole plan is refused
            _rejected(exc)
            assert table_counts(engine) == before

    run()


# --------------------------------------------------------------------------- Hugging Face config.json


def test_fuzz_hf_config(fixtures_dir):
    base = json.loads((fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json").read_text())
    moe = json.loads((fixtures_dir / "hf-configs" / "Mixtral-8x7B-v0.1.config.json").read_text())

    @fuzz_settings(150)
    @given(data=_one_of_json(base) | _one_of_json(moe))
    def run(data: bytes) -> None:
        _count("hf_config")
        try:
            parse_config_bytes(data, "config.json")
        except HfConfigError as exc:
            _rejected(exc)
            assert str(exc).startswith("config.json")
        except Exception as exc:
            if not _known_bug(exc, "hf_config"):
                raise

    @fuzz_settings(100)
    @given(raw=mutated_json(base) | mutated_json(moe))
    def run_dict(raw: Any) -> None:
        _count("hf_config_dict")
        if not isinstance(raw, dict):
            return
        try:
            parse_hf_config(raw)
        except ArchitectureError as exc:
            _rejected(exc)
        except Exception as exc:
            if not _known_bug(exc, "hf_config_dict"):
                raise

    run()
    run_dict()


# --------------------------------------------------------------------------- evidence formats

EVIDENCE_FILES = {
    "promptfoo": "promptfoo_results_v0.118.0_echo.json",
    "lm-eval": "lm_eval_results_gsm8k.json",
    "inspect": "inspect_ai_log_v2_mockllm.json",
    "openai-evals": "openai_evals_record.jsonl",
    "helm": "helm_stats_simple1_model1.json",
}


@pytest.fixture
def evidence_profile(engine):
    return create_profile(engine, new_profile_model("Fuzz", "high_precision_extraction"), "fuzz").id


def _store_evidence(engine, profile_id: int, data: bytes, fmt: str | None) -> None:
    before = table_counts(engine)
    try:
        result = import_evidence(data, fmt, name=f"fuzz.{fmt}", model="helm-model")
    except EvidenceImportError as exc:
        _rejected(exc)
        return
    except Exception as exc:
        if not _known_bug(exc, f"evidence:{fmt}"):
            raise
        return
    try:  # map nothing: a run without a candidate, or an unknown candidate, must be refused whole
        ev.import_runs(engine, profile_id, result, {}, "fuzz")
    except StoreError as exc:
        _rejected(exc)
        assert table_counts(engine) == before


@pytest.mark.parametrize("fmt", sorted(EVIDENCE_FILES))
def test_fuzz_evidence_json_formats(engine, evidence_profile, fixtures_dir, fmt):
    raw = (fixtures_dir / "evidence" / EVIDENCE_FILES[fmt]).read_bytes()
    if fmt == "openai-evals":
        strategy = st.one_of(mutated_lines(raw.decode()).map(str.encode), mutated_bytes(raw))
    else:
        strategy = _one_of_json(json.loads(raw))

    @fuzz_settings(60)
    @given(data=strategy, named=st.booleans())
    def run(data: bytes, named: bool) -> None:
        _count(f"evidence:{fmt}")
        _store_evidence(engine, evidence_profile, data, fmt if named else None)

    run()


def test_fuzz_evidence_csv(engine, evidence_profile):
    base = golden_set_csv(n=8).decode()

    @fuzz_settings(100)
    @given(text=mutated_lines(base), named=st.booleans())
    def run(text: str, named: bool) -> None:
        _count("evidence:csv")
        _store_evidence(engine, evidence_profile, text.encode("utf-8", errors="surrogatepass"),
                        "csv" if named else None)

    run()
    # the valid file itself goes through (the mutations start from something importable)
    result = import_evidence(golden_set_csv(n=8), EvidenceFormat.csv, name="ok.csv")
    assert ev.import_runs(engine, evidence_profile, result, CANDIDATES, "fuzz").action == "imported"


# --------------------------------------------------------------------------- calibration CSV


def test_fuzz_calibration_csv():
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["item_id", "confidence", "correct", "premium_correct"])
    for i in range(8):
        writer.writerow([f"q{i}", i / 8, i % 2, "true"])

    @fuzz_settings(150)
    @given(text=mutated_lines(out.getvalue()) | st.text(max_size=80))
    def run(text: str) -> None:
        _count("calibration_csv")
        try:
            data = parse_calibration_csv(text, "cal.csv")
        except CalibrationFormatError as exc:
            _rejected(exc)
            return
        except Exception as exc:
            if not _known_bug(exc, "calibration_csv"):
                raise
            return
        assert len(data) == len(data.confidence) == len(data.correct)

    run()


# --------------------------------------------------------------------------- workspace backup


def test_fuzz_workspace_import(engine):
    create_profile(engine, new_profile_model("Fuzz", "high_precision_extraction"), "fuzz")
    base = export_workspace(engine)
    base["tables"]["audit_event"] = base["tables"]["audit_event"][:3]  # keep examples small

    @fuzz_settings(100)
    @given(data=_one_of_json(base), mode=st.sampled_from(["merge", "replace"]))
    def run(data: bytes, mode: str) -> None:
        _count("workspace")
        before = table_counts(engine)
        try:
            import_workspace(engine, loads(data, "fuzz.json"), mode)  # type: ignore[arg-type]
        except BackupError as exc:
            _rejected(exc)
            assert table_counts(engine) == before

    run()


def _workspace_loads(engine) -> None:
    """Every page's and command's reads: each entity loads (a restore must never leave one that does not)."""
    from workbench.store.decisions import list_decisions
    from workbench.store.workspace import list_candidates, list_profiles, list_scenarios

    list_candidates(engine)
    for profile in list_profiles(engine):
        list_scenarios(engine, profile.id)
        ev.list_runs(engine, profile.id)
    list_decisions(engine)


def test_fuzz_workspace_restore_with_entity_corruption(engine, tmp_path):
    """Mutate the *bodies* of entity rows (valid JSON, valid column types, wrong entity): a restore either
    refuses the whole backup (nothing changed) or leaves a workspace in which every entity still loads."""
    from tests.store.rich_workspace import build_rich_workspace

    build_rich_workspace(engine, tmp_path / "keys")
    base = export_workspace(engine)
    base["tables"]["audit_event"] = base["tables"]["audit_event"][:3]
    entity_tables = ["candidate", "profile", "scenario", "evidence_run", "decision", "signing_key"]

    @st.composite
    def corrupted(draw: st.DrawFn) -> dict[str, Any]:
        document = copy.deepcopy(base)
        for _ in range(draw(st.integers(1, 3))):
            table = draw(st.sampled_from([t for t in entity_tables if document["tables"].get(t)]))
            row = draw(st.sampled_from(document["tables"][table]))
            column = "public_key" if table == "signing_key" else "body"
            row[column] = draw(mutated_json(row[column])) if column == "body" else draw(
                st.sampled_from(["", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", row[column][:-30]]))
        return document

    @fuzz_settings(60)
    @given(document=corrupted(), mode=st.sampled_from(["merge", "replace"]))
    def run(document: dict[str, Any], mode: str) -> None:
        _count("workspace-entities")
        before = export_workspace(engine)
        try:
            import_workspace(engine, document, mode)  # type: ignore[arg-type]
        except BackupError as exc:
            _rejected(exc)
            assert export_workspace(engine) == before
            return
        _workspace_loads(engine)

    run()


# --------------------------------------------------------------------------- MDR bundles


@pytest.fixture(scope="module")
def bundle_files(tmp_path_factory) -> dict[str, bytes]:
    from tests.io.test_mdr_bundle import _key, _record, _snapshot
    from workbench.services.bundles import build_bundle_files

    key = _key(tmp_path_factory.mktemp("bundle"))
    t = "2026-06-07T10:00:00Z"
    return build_bundle_files(_record(), _snapshot(), [key], exported_at=t, signed_at=t)


def test_fuzz_mdr_bundle_verify(bundle_files, tmp_path):
    names = sorted(bundle_files)
    assert verify_files(bundle_files, TrustStore()).intact
    envelope = json.loads(bundle_files["envelope.dsse.json"]) if "envelope.dsse.json" in bundle_files else None

    @st.composite
    def hostile(draw: st.DrawFn) -> dict[str, bytes]:
        files = dict(bundle_files)
        for _ in range(draw(st.integers(1, 3))):
            name = draw(st.sampled_from(names))
            op = draw(st.sampled_from(["bytes", "drop", "rename", "add", "envelope"]))
            if op == "bytes" and name in files:
                files[name] = draw(mutated_bytes(files[name]))
            elif op == "drop":
                files.pop(name, None)
            elif op == "rename" and name in files:
                files[draw(st.text(min_size=1, max_size=20))] = files.pop(name)
            elif op == "add":
                files[draw(st.sampled_from(["../evil", "public_keys/x.pub", "notes.txt"]))] = draw(st.binary(max_size=40))
            elif envelope is not None:
                files["envelope.dsse.json"] = _json_bytes(draw(mutated_json(envelope)))
        return files

    @fuzz_settings(120)
    @given(files=hostile())
    def run(files: dict[str, bytes]) -> None:
        _count("mdr_bundle")
        report = verify_files(files, TrustStore())
        if not report.intact:
            assert report.problems and all(p.strip() for p in report.problems)

    @fuzz_settings(40)
    @given(data=st.binary(max_size=200) | hostile().map(_zip))
    def run_zip(data: bytes) -> None:
        _count("mdr_bundle_zip")
        path = tmp_path / "bundle.zip"
        path.write_bytes(data)
        try:
            read_bundle(path)
        except BundleError as exc:
            _rejected(exc)

    run()
    run_zip()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()




# --------------------------------------------------------------------------- what the fuzzing found


def _lm_eval_with_string_group_subtasks(fixtures_dir) -> Any:
    obj = json.loads((fixtures_dir / "evidence" / EVIDENCE_FILES["lm-eval"]).read_text())
    obj["group_subtasks"] = "gsm8k"
    return lambda: import_evidence(_json_bytes(obj), "lm-eval", name="results.json")


def _helm_with_list_stat_name(fixtures_dir) -> Any:
    obj = json.loads((fixtures_dir / "evidence" / EVIDENCE_FILES["helm"]).read_text())
    obj[0]["name"]["name"] = []
    return lambda: import_evidence(_json_bytes(obj), "helm", name="stats.json", model="m")


def _mixtral_with(value: Any, fixtures_dir) -> Any:
    cfg = json.loads((fixtures_dir / "hf-configs" / "Mixtral-8x7B-v0.1.config.json").read_text())
    cfg["num_local_experts"] = value
    return lambda: parse_config_bytes(_json_bytes(cfg), "config.json")


@pytest.mark.parametrize(("case", "expected"), [  # crashes the fuzzing found, now regression tests
    ("hf num_local_experts = []", HfConfigError),  # TypeError: int(list) in parse_hf_config
    ("hf num_local_experts = 'eight'", HfConfigError),  # bare ValueError, not HfConfigError
    ("calibration bare CR", CalibrationFormatError),  # csv.Error escapes parse_calibration_csv
    ("evidence csv bare CR in header", EvidenceImportError),  # csv.Error escapes _parse_csv (header row)
    ("lm-eval group_subtasks is a string", EvidenceImportError),  # AttributeError in _parse_lm_eval
    ("helm stat name is a list", EvidenceImportError),  # TypeError (unhashable) in _parse_helm_stats
])
def test_fuzz_found_importer_crashes_are_clear_rejections(case, expected, fixtures_dir):
    call = {
        "hf num_local_experts = []": lambda: _mixtral_with([], fixtures_dir)(),
        "hf num_local_experts = 'eight'": lambda: _mixtral_with("eight", fixtures_dir)(),
        "calibration bare CR": lambda: parse_calibration_csv("\r0", "cal.csv"),
        "evidence csv bare CR in header": lambda: import_evidence(b"\r,candidate,passed\nq1,x,1\n", "csv",
                                                                  name="e.csv"),
        "lm-eval group_subtasks is a string": lambda: _lm_eval_with_string_group_subtasks(fixtures_dir)(),
        "helm stat name is a list": lambda: _helm_with_list_stat_name(fixtures_dir)(),
    }[case]
    with pytest.raises(expected) as info:
        call()
    assert str(info.value).strip()
