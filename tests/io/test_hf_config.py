"""Reading config.json files and the GPU catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.io.gpus import GpuCatalogError, load_gpu_catalog, parse_gpu_catalog
from workbench.io.hf_config import HfConfigError, parse_config_bytes, read_hf_config

CATALOG = Path(__file__).resolve().parents[2] / "data" / "gpus.json"


def test_reads_every_fixture(fixtures_dir: Path) -> None:
    files = sorted((fixtures_dir / "hf-configs").glob("*.config.json"))
    assert len(files) == 9  # six families, gemma-3-27b-it, gpt-oss-120b and the Step 3.5-shaped config
    for path in files:
        spec = read_hf_config(path)
        assert spec.num_hidden_layers > 0


def test_not_json_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "config.json"
    bad.write_text("{not json")
    with pytest.raises(HfConfigError, match=r"config\.json: not valid JSON"):
        read_hf_config(bad)


def test_binary_and_non_object(tmp_path: Path) -> None:
    with pytest.raises(HfConfigError, match="not UTF-8"):
        parse_config_bytes(b"\xff\xfe\x00garbage", "weights.bin")
    with pytest.raises(HfConfigError, match="expected a JSON object"):
        parse_config_bytes(b"[1, 2]", "list.json")


def test_missing_field_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "my-model.json"
    path.write_text(
        json.dumps(
            {
                "model_type": "llama",
                "hidden_size": 4096,
                "num_attention_heads": 32,
                "vocab_size": 32000,
                "intermediate_size": 11008,
            }
        )
    )
    with pytest.raises(HfConfigError, match=r"my-model\.json: missing required field 'num_hidden_layers'"):
        read_hf_config(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(HfConfigError, match="cannot read"):
        read_hf_config(tmp_path / "absent.json")


def test_bytes_with_bom(fixtures_dir: Path) -> None:
    data = b"\xef\xbb\xbf" + (fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json").read_bytes()
    assert parse_config_bytes(data).model_type == "llama"


# ----------------------------------------------------------------------------- GPU catalog


def test_catalog_has_required_gpus_with_sources() -> None:
    cat = load_gpu_catalog()
    for name in (
        "H100 80GB SXM",
        "H200 141GB",
        "A100 40GB",
        "A100 80GB",
        "L40S",
        "L4",
        "RTX 4090",
        "B200",
        "MI300X",
    ):
        gpu = cat.get(name)
        assert gpu.source_url.startswith("https://")
        assert gpu.usable_source and gpu.retrieved
        # usable (runtime GiB) never above the nameplate figure
        assert gpu.usable_gib <= gpu.memory_nameplate_gb
        assert gpu.bandwidth_gb_s > 0
    assert cat.get("h100").name == "H100 80GB SXM"  # alias, case-insensitive
    assert cat.get("H200").usable_bytes == round(140.40 * 2**30)


def test_catalog_validation_names_field() -> None:
    raw = json.loads(CATALOG.read_text())
    raw["gpus"][0]["usable_gib"] = -1
    with pytest.raises(GpuCatalogError, match=r"gpus\.0\.usable_gib"):
        parse_gpu_catalog(json.dumps(raw), "gpus.json")
    with pytest.raises(GpuCatalogError, match="not valid JSON"):
        parse_gpu_catalog("{", "gpus.json")
    raw2 = json.loads(CATALOG.read_text())
    raw2["gpus"].append(dict(raw2["gpus"][0]))
    with pytest.raises(GpuCatalogError, match="duplicate"):
        parse_gpu_catalog(json.dumps(raw2), "gpus.json")


def test_published_gemma_3_27b_is_accepted_with_library_defaults() -> None:
    # The published gemma-3-27b-it config.json omits text_config.vocab_size and tie_word_embeddings: transformers'
    # Gemma3TextConfig defaults (262,208; tied) apply. Total = 27,432,406,640 with the SigLIP tower, the count
    # the Hugging Face model page shows ("27.4B params") for the safetensors checkpoint.
    path = Path(__file__).resolve().parents[1] / "fixtures" / "hf-configs" / "gemma-3-27b-it.config.json"
    spec = read_hf_config(path)
    counts = spec.parameter_counts()
    assert spec.vocab_size == 262_208 and spec.tie_word_embeddings
    assert any("vocab_size=262208" in n for n in spec.assumptions)
    assert counts.total == 27_432_406_640 and counts.vision == 423_060_336
    assert spec.layer_type_counts == {"sliding_attention": 52, "full_attention": 10}


def test_hostile_sizes_refused_before_any_allocation(tmp_path: Path) -> None:
    base = {"model_type": "llama", "num_hidden_layers": 4, "hidden_size": 64, "num_attention_heads": 4,
            "vocab_size": 100, "intermediate_size": 128}
    for field, value, limit in (("hidden_size", 1e300, "262,144"), ("num_hidden_layers", 30_000_000, "2,048"),
                                ("vocab_size", 10**9, "4,194,304"), ("num_local_experts", 10**6, "8,192"),
                                ("max_position_embeddings", 10**12, "100,000,000")):
        path = tmp_path / "c.json"
        path.write_text(json.dumps({**base, field: value}))
        with pytest.raises(HfConfigError, match=rf"{field}.*implausible.*{limit}"):
            read_hf_config(path)


def test_duplicate_keys_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('{"model_type": "llama", "hidden_size": 64, "hidden_size": 4096}')
    with pytest.raises(HfConfigError, match="duplicate key 'hidden_size'"):
        read_hf_config(path)


def test_gpu_catalog_honours_data_dir_and_refuses_unsourced_prices(tmp_path: Path, monkeypatch) -> None:
    raw = json.loads(CATALOG.read_text())
    raw["gpus"] = raw["gpus"][:1]
    (tmp_path / "gpus.json").write_text(json.dumps(raw))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    assert load_gpu_catalog().names == [raw["gpus"][0]["name"]]
    unsourced = dict(raw["gpus"][0], usd_per_hour=3.0, price_source="", price_date="")
    with pytest.raises(GpuCatalogError, match="price_source and price_date"):
        parse_gpu_catalog(json.dumps({**raw, "gpus": [unsourced]}), "gpus.json")
    with pytest.raises(GpuCatalogError, match="duplicate key"):
        parse_gpu_catalog('{"gpus": [], "gpus": []}', "gpus.json")


def test_gpt_oss_120b_matches_transformers(fixtures_dir: Path) -> None:
    """transformers 5.25 on the meta device: 116,829,156,672 parameters (tests/fixtures/hf-configs/README.md)."""
    spec = read_hf_config(fixtures_dir / "hf-configs" / "gpt-oss-120b.config.json")
    assert spec.parameter_counts().total == 116_829_156_672 and spec.checkpoint_format == "mxfp4"
