"""model.safetensors.index.json (exact checkpoint bytes) and quantization_config kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.io.hf_config import parse_hf_config
from workbench.io.hf_config.safetensors_index import SafetensorsIndexError, parse_safetensors_index

FIX = Path(__file__).resolve().parents[1] / "fixtures"


def test_index_total_size_and_tensor_kinds() -> None:
    doc = {"metadata": {"total_size": 123_456_789},
           "weight_map": {"model.layers.0.mlp.down_proj.weight": "a", "model.layers.0.mlp.down_proj.weight_scale": "a",
                          "visual.blocks.0.attn.qkv.weight": "b", "mtp.0.eh_proj.weight": "c"}}
    idx = parse_safetensors_index(json.dumps(doc))
    assert (idx.total_size, idx.tensors, idx.scale_tensors, idx.vision_tensors, idx.mtp_tensors) == (
        123_456_789, 4, 1, 1, 1)


@pytest.mark.parametrize(("doc", "field"), [
    ({"weight_map": {}}, "metadata"),
    ({"metadata": {"total_size": "big"}}, "metadata.total_size"),
    ({"metadata": {"total_size": 10**20}}, "metadata.total_size"),
    ({"metadata": {"total_size": 5}, "weight_map": []}, "weight_map"),
])
def test_bad_index_names_the_field(doc: dict, field: str) -> None:
    with pytest.raises(SafetensorsIndexError, match=field):
        parse_safetensors_index(json.dumps(doc), "idx.json")


def test_gpu_fit_prefers_the_exact_byte_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config.json").write_bytes((FIX / "hf-configs" / "gpt-oss-20b.config.json").read_bytes())
    main(["gpu-fit", "--hf-config", str(tmp_path / "config.json"), "--json"])
    estimated = json.loads(capsys.readouterr().out)["weights_bytes"]
    exact = 13_800_000_000  # a checkpoint whose index says this many bytes
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps({"metadata": {"total_size": exact}}))
    assert main(["gpu-fit", "--hf-config", str(tmp_path / "config.json"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["weights_bytes"] == exact != estimated
    assert any("model.safetensors.index.json" in n for n in doc["notes"])
    # an explicit other format ignores the checkpoint's byte count
    main(["gpu-fit", "--hf-config", str(tmp_path / "config.json"), "--weights", "bf16", "--json"])
    assert json.loads(capsys.readouterr().out)["weights_bytes"] != exact
    (tmp_path / "model.safetensors.index.json").write_text('{"metadata": {"total_size": 1, "total_size": 2}}')
    assert main(["gpu-fit", "--hf-config", str(tmp_path / "config.json")]) == 2
    assert "duplicate key" in capsys.readouterr().err


@pytest.mark.parametrize(("qc", "fmt"), [
    ({"quant_method": "fbgemm_fp8"}, "fp8"),
    ({"quant_method": "modelopt", "quant_algo": "FP8"}, "fp8"),
    ({"quant_method": "modelopt", "quant_algo": "NVFP4"}, "nvfp4"),
    ({"quant_method": "bitsandbytes", "load_in_4bit": True}, "nf4"),
    ({"quant_method": "bitsandbytes", "load_in_8bit": True}, "int8"),
    ({"quant_method": "awq", "bits": 4, "group_size": 64}, "awq-int4-g64"),
    ({"quant_method": "compressed-tensors",
      "config_groups": {"g": {"weights": {"num_bits": 4, "type": "float"}}}}, "nvfp4"),
    ({"quant_method": "mxfp4"}, "mxfp4"),
])
def test_quantization_config_kinds(qc: dict, fmt: str) -> None:
    cfg = json.loads((FIX / "hf-configs" / "Llama-3.1-8B.config.json").read_text())
    assert parse_hf_config({**cfg, "quantization_config": qc}).checkpoint_format == fmt
