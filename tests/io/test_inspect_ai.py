"""inspect_ai 0.3.285 logs as the tool writes them (zstd .eval, deflate, .json), cross-checked with its reader.

Fixtures: ``fixtures/evidence/inspect_ai-0.3.285/`` and ``inspect_ai-0.3.285-more/`` were written by inspect_ai
0.3.285 running ``make_logs.py`` (beside the files). ``inspect_ai`` is a test-only dependency here: its own
``read_eval_log`` gives the numbers we must agree with.
"""

from __future__ import annotations

import json
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
import zstandard
from inspect_ai.log import read_eval_log

from workbench.io.archive import ArchiveError, ZipLimits, read_members
from workbench.io.evidence import EvidenceImportError, import_evidence, inspect_scorers

V285 = Path("evidence") / "inspect_ai-0.3.285"
MORE = Path("evidence") / "inspect_ai-0.3.285-more"


def _inspect_numbers(path: Path, scorer: str) -> tuple[int, float]:
    log = read_eval_log(str(path))
    assert log.results is not None
    score = next(s for s in log.results.scores if s.name == scorer)
    return score.scored_samples or 0, score.metrics["accuracy"].value


def _check_against_inspect(path: Path, scorer: str | None = None) -> None:
    [run] = import_evidence(path, scorer=scorer).runs
    n, accuracy = _inspect_numbers(path, scorer or run.metric_name)
    assert run.n == n == len(run.items)
    assert run.mean_score == pytest.approx(accuracy)


def test_zstd_eval_with_two_scorers_defaults_to_the_first(fixtures_dir):
    path = fixtures_dir / V285 / "two-scorers.eval"
    assert {i.compress_type for i in zipfile.ZipFile(path).infolist()} == {93}  # zstd, as inspect writes it
    assert inspect_scorers(path) == ["includes", "match"]
    res = import_evidence(path)
    [run] = res.runs
    assert run.metric_name == "includes" and run.n == 12
    assert any("2 scorers" in w and "--scorer" in w for w in res.warnings)
    _check_against_inspect(path)
    _check_against_inspect(path, "match")
    assert import_evidence(path, scorer="match").runs[0].metric_name == "match"
    with pytest.raises(EvidenceImportError, match=r"no scorer 'exact' in the log \(it has: includes, match\)"):
        import_evidence(path, scorer="exact")


def test_epochs_are_reduced_per_sample(fixtures_dir):
    path = fixtures_dir / MORE / "epochs.eval"
    res = import_evidence(path)
    [run] = res.runs
    assert run.n == 12  # 12 samples x 3 epochs: n = samples, as inspect reduces
    assert {it.epoch for it in run.items} == {1}
    assert any("3 epochs" in w for w in res.warnings)
    _check_against_inspect(path)


def test_errored_sample_is_skipped_and_counted(fixtures_dir):
    path = fixtures_dir / MORE / "errored.eval"
    res = import_evidence(path)
    [run] = res.runs
    assert run.n == 11 and "q5" not in {it.item_id for it in run.items}
    assert any(w.startswith("1 errored sample(s) skipped") and "q5" in w for w in res.warnings)
    _check_against_inspect(path)


def test_json_log_and_eval_log_agree(fixtures_dir):
    json_run = import_evidence(fixtures_dir / V285 / "single-scorer.json").runs[0]
    eval_run = import_evidence(fixtures_dir / MORE / "single-scorer.eval").runs[0]
    assert json_run.n == eval_run.n == 12
    assert json_run.binary_counts() == eval_run.binary_counts() == (8, 12)


def _repack(src: Path, dest: Path, *, duplicate: tuple[str, bytes] | None = None) -> None:
    """Rewrite a zstd .eval with deflate members (and optionally a re-logged member appended)."""
    members = read_members(src.read_bytes(), lambda name: True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
        if duplicate is not None:
            with pytest.warns(UserWarning, match="Duplicate name"):
                zf.writestr(*duplicate)


def test_deflate_eval(fixtures_dir, tmp_path):
    dest = tmp_path / "deflate.eval"
    _repack(fixtures_dir / V285 / "two-scorers.eval", dest)
    assert {i.compress_type for i in zipfile.ZipFile(dest).infolist()} == {zipfile.ZIP_DEFLATED}
    _check_against_inspect(dest)


def test_duplicate_member_last_wins(fixtures_dir, tmp_path):
    src = fixtures_dir / V285 / "two-scorers.eval"
    q1 = json.loads(read_members(src.read_bytes(), lambda n: n == "samples/q1_epoch_1.json")["samples/q1_epoch_1.json"])
    assert q1["scores"]["includes"]["value"] == "I"
    q1["scores"]["includes"]["value"] = "C"  # the re-logged sample passes
    dest = tmp_path / "relogged.eval"
    _repack(src, dest, duplicate=("samples/q1_epoch_1.json", json.dumps(q1)))
    [run] = import_evidence(dest).runs
    assert run.n == 12
    assert next(it for it in run.items if it.item_id == "q1").passed is True
    inspect_q1 = next(s for s in read_eval_log(str(dest)).samples or [] if s.id == "q1")
    assert inspect_q1.scores is not None and inspect_q1.scores["includes"].value == "C"  # inspect reads the last too


# --------------------------------------------------------------------------- hostile archives


def _raw_zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip from (name, method, compressed bytes, declared size, crc) entries, written by hand."""
    body, central = bytearray(), bytearray()
    for name, method, data, size, crc in entries:
        offset = len(body)
        encoded = name.encode()
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 63, 0, method, 0, 0, crc, len(data), size, len(encoded), 0)
        body += encoded + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 63, 63, 0, method, 0, 0, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(body), 0)
    return bytes(body + central + end)


def _deflate_zeros(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros, ~1 KB per MiB (full-flush blocks repeat exactly)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return chunk * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


@pytest.mark.parametrize("honest_header", [True, False])
def test_two_megabyte_file_inflating_to_two_gib_is_refused_quickly_in_small_memory(tmp_path, honest_header):
    stream = _deflate_zeros(2048)  # 2 GiB of zeros
    assert 2_000_000 < len(stream) < 2_200_000
    declared = 2048 << 20 if honest_header else 1000  # a lying header claims 1,000 bytes
    path = tmp_path / "bomb.eval"
    path.write_bytes(_raw_zip([("header.json", 8, stream, declared & 0xFFFFFFFF, 0)]))
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(EvidenceImportError, match=r"bomb.eval: .eval archive refused: (member 'header.json' "
                                                  r"(declares|inflates past))|declares 2,147,483,648 bytes"):
        import_evidence(path, "inspect")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 5.0
    assert peak < 200 * 1024 * 1024  # 64 MiB member limit (+ the file itself), never 2 GiB


def test_zstd_member_lying_about_its_size_is_refused_at_the_limit():
    stream = zstandard.ZstdCompressor().compress(b"\0" * (8 << 20))
    data = _raw_zip([("samples/a.json", 93, stream, 10, 0)])
    with pytest.raises(ArchiveError, match="inflates past the 1,048,576-byte limit"):
        read_members(data, lambda n: True, ZipLimits(max_member_bytes=1 << 20))


def test_entry_count_is_checked_before_the_directory_is_read():
    data = _raw_zip([(f"samples/{i}.json", 0, b"{}", 2, zlib.crc32(b"{}")) for i in range(50)])
    with pytest.raises(ArchiveError, match="50 entries, above the limit of 10"):
        read_members(data, lambda n: True, ZipLimits(max_entries=10))
    assert len(read_members(data, lambda n: True)) == 50


def test_total_and_unsupported_method_and_crc():
    data = _raw_zip([("a", 0, b"x" * 10, 10, zlib.crc32(b"x" * 10)), ("b", 0, b"y" * 10, 10, zlib.crc32(b"y" * 10))])
    with pytest.raises(ArchiveError, match="declares 20 bytes uncompressed, above the 15-byte limit"):
        read_members(data, lambda n: True, ZipLimits(max_total_bytes=15))
    with pytest.raises(ArchiveError, match="compression method 14"):
        read_members(_raw_zip([("a", 14, b"xx", 2, 0)]), lambda n: True)
    with pytest.raises(ArchiveError, match="CRC mismatch"):
        read_members(_raw_zip([("a", 0, b"xx", 2, 0)]), lambda n: True)
