"""``workbench gpu-fit`` and ``workbench import hf-config``.

``workbench gpu-fit``: GPU memory fit of one model (weights + KV + overhead per GPU), headless.

JSON (``--json``; stable keys, bytes unless named otherwise): ``params_total``, ``params_active``,
``params_active_excl_embedding``, ``weights_bytes`` (whole model), ``weights_bytes_per_gpu``,
``kv_bytes_per_token`` (one token, all attention layers, chosen KV dtype, TP=1, before window caps; MLA =
latent; linear/Mamba excluded), ``kv_bytes_per_token_per_gpu``, ``kv_bytes_per_token_by_layer_type``,
``kv_state_bytes_per_request`` (linear/Mamba state), ``kv_bytes`` (all GPUs, requested context × concurrency,
windows applied), ``kv_bytes_per_gpu``, ``overhead_bytes`` (per GPU), ``total_bytes_per_gpu``,
``capacity_bytes_per_gpu`` (runtime-reported total), ``usable_bytes_per_gpu`` (× utilization), ``fits``,
``headroom_bytes``, ``headroom_fraction``, ``max_concurrency``, ``max_context``, ``max_context_limited_by``,
``min_gpus`` ({GPU type: GPUs or null}), ``vllm_args``, ``rule_of_thumb_bytes``, ``rule_of_thumb_kv_bytes``,
``detailed_total_bytes``, ``rule_of_thumb_difference_bytes``, ``params_vision`` (vision tower, in the weights),
``verified`` (the family's reading was checked against transformers), ``kv_pool_bytes_per_gpu`` (vLLM's
"Available KV cache memory"), ``kv_pool_tokens`` (vLLM's "GPU KV cache size: N tokens"), ``input_tokens`` /
``output_tokens`` (the throughput workload), ``decode_tokens_per_s``, ``decode_bound_tokens_per_s`` (HBM bandwidth
÷ bytes per step), ``prefill_tokens_per_s``, ``usd_per_hour``, ``usd_per_mtok_input_self_hosted``,
``usd_per_mtok_output_self_hosted`` (null when the setup does not fit or the GPU has no price),
``self_hosted_basis``, ``notes``, plus the echoed inputs. Details and formulas: docs/gpu-fit.md.

``workbench import hf-config FILE --candidate NAME``: validate a Hugging Face ``config.json`` and store it as the
candidate's architecture (optimistic lock on the version read, audited, provenance = file name + actor). JSON:
``candidate``, ``id``, ``file``, ``unchanged``, ``version_before``, ``version``, ``model_type``, ``params_total``,
``params_active``, ``params_active_excl_embedding`` (parameter counts; convention in
``workbench.domain.architecture``), ``params_vision``, ``verified`` (false: read by the generic field reader),
``changes`` ({field: [before, after]}), ``warnings`` (the config's family or
size does not look like the candidate's name), ``assumptions``. A file that is not
a usable config.json exits 2 naming the field, and the candidate is left unchanged.
"""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import ValidationError

from workbench.cli import CliError
from workbench.cli._common import command_group, print_json

GIB = 2**30


def register(sub: Any) -> None:
    p = sub.add_parser(
        "gpu-fit",
        help="GPU memory fit: weights + KV cache + overhead per GPU, max concurrency/context, vLLM flags",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--hf-config", metavar="FILE", help="Hugging Face config.json")
    src.add_argument(
        "--candidate", metavar="NAME", help="candidate from the store (its imported architecture)"
    )
    p.add_argument(
        "--weights",
        default="checkpoint",
        metavar="FORMAT",
        help="bf16, fp16, fp8, int8, gptq-int4-g128, awq-int4-g128, mxfp4, nvfp4, q4_k_m, ... "
        "(default: the checkpoint's format)",
    )
    p.add_argument(
        "--kv-dtype", default="auto", metavar="DTYPE", help="auto, bf16, fp8, fp8_ds_mla, nvfp4, ..."
    )
    p.add_argument(
        "--context", type=int, default=8192, metavar="N", help="tokens per sequence (default 8192)"
    )
    p.add_argument("--concurrency", type=int, default=1, metavar="N", help="concurrent sequences (default 1)")
    p.add_argument("--gpu", default="H100 80GB SXM", metavar="NAME", help="GPU type from data/gpus.json")
    p.add_argument("--gpus", type=int, default=None, metavar="N", help="GPUs (default: = TP)")
    p.add_argument(
        "--tp", type=int, default=None, metavar="N", help="tensor-parallel size (default: = GPUs or 1)"
    )
    p.add_argument(
        "--gpu-memory-utilization", type=float, default=0.90, metavar="F", help="vLLM budget fraction"
    )
    p.add_argument(
        "--overhead",
        default="vllm",
        metavar="MODEL",
        help="overhead profile: vllm (V1, calibrated), vllm-v0, kvplan, aiconfigurator, sglang, seed",
    )
    p.add_argument(
        "--kv-rule",
        choices=("vllm", "simple"),
        default="vllm",
        help="vllm = block-rounded reservation; simple = min(T, window)",
    )
    p.add_argument("--max-num-batched-tokens", type=int, default=None, metavar="N")
    p.add_argument("--safetensors-index", metavar="FILE", default=None,
                   help="model.safetensors.index.json: its metadata.total_size replaces params x bits for the "
                   "checkpoint's format (default: the file beside --hf-config, when present)")
    p.add_argument("--output-tokens", type=int, default=None, metavar="N",
                   help="output tokens per request for throughput and $/1M tokens (default min(512, context/2))")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=handle)

    isub = command_group(sub, "import", "import candidates, prices, architectures, evidence")
    imp = isub.add_parser(
        "hf-config",
        help="store a Hugging Face config.json as an open-weight candidate's architecture",
        description="Validate FILE (a Hugging Face config.json) and save it as the candidate's architecture, "
        "with provenance and an audit event. A bad file changes nothing.",
    )
    imp.add_argument("file", metavar="FILE", help="config.json")
    imp.add_argument("--candidate", required=True, metavar="NAME", help="candidate name in the workspace")
    imp.add_argument("--json", action="store_true", help="print one JSON document")
    imp.set_defaults(handler=handle_import)


def handle_import(args: argparse.Namespace) -> int:
    import os

    from workbench.cli._store import engine
    from workbench.cli.catalog import cli_actor
    from workbench.domain.architecture import ArchitectureError
    from workbench.domain.candidate_architecture import NotOpenWeightsError, import_architecture
    from workbench.io.hf_config import HfConfigError, load_config_dict, parse_hf_config
    from workbench.store.repository import StoreError
    from workbench.store.workspace import candidate_by_name, save_candidate

    name = os.path.basename(args.file)
    try:
        with open(args.file, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise CliError(f"{args.file}: cannot read file ({exc.strerror})") from exc
    actor = cli_actor()
    db = engine()
    try:
        record = candidate_by_name(db, args.candidate)
        raw = load_config_dict(data, name)
        result = import_architecture(record.model, raw, source=name, actor=actor, parse=parse_hf_config)
        saved = record if result.unchanged else save_candidate(db, record.id, result.candidate, record.version, actor)
    except (HfConfigError, NotOpenWeightsError) as exc:
        raise CliError(str(exc)) from exc
    except ArchitectureError as exc:
        raise CliError(f"{name}: {exc}; candidate {args.candidate!r} unchanged") from exc
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    counts = result.spec.parameter_counts()
    report = {
        "candidate": saved.model.name,
        "id": saved.id,
        "file": name,
        "unchanged": result.unchanged,
        "version_before": record.version,
        "version": saved.version,
        "model_type": result.spec.model_type,
        "params_total": counts.total,
        "params_active": counts.active,
        "params_active_excl_embedding": counts.active_excl_embedding,
        "params_vision": counts.vision,
        "verified": result.spec.verified,
        "changes": result.changes,
        "warnings": list(result.warnings),
        "assumptions": list(result.spec.assumptions),
    }
    if args.json:
        print_json(report)
        return 0
    verb = "unchanged (same config.json)" if result.unchanged else f"saved as version {saved.version}"
    print(f"{saved.model.name}: architecture from {name} {verb}")
    print(
        f"  {result.spec.model_type}: {counts.total:,} parameters, {counts.active:,} active "
        f"({counts.active_excl_embedding:,} without the input embedding)"
    )
    for key, (before, after) in result.changes.items():
        print(f"  {key}: {before if before is not None else 'unknown'} -> {after}")
    for warning in result.warnings:
        print(f"  WARNING: {warning}")
    for note in result.spec.assumptions:
        print(f"  note: {note}")
    return 0


def _spec(args: argparse.Namespace) -> Any:
    from workbench.io.hf_config import ArchitectureError, HfConfigError, parse_hf_config, read_hf_config

    if args.hf_config:
        try:
            return read_hf_config(args.hf_config)
        except HfConfigError as exc:
            raise CliError(str(exc)) from exc
    from workbench.cli._store import candidate_architecture  # provided by the store area

    raw = candidate_architecture(args.candidate)
    if raw is None:
        raise CliError(
            f"candidate {args.candidate!r} not found or has no imported architecture (config.json)"
        )
    try:
        return parse_hf_config(raw)
    except ArchitectureError as exc:
        raise CliError(f"candidate {args.candidate!r}: {exc}") from exc


def _checkpoint_bytes(args: argparse.Namespace) -> int | None:
    """metadata.total_size of --safetensors-index, or of model.safetensors.index.json beside --hf-config."""
    from pathlib import Path

    from workbench.io.hf_config.safetensors_index import SafetensorsIndexError, parse_safetensors_index

    path = Path(args.safetensors_index) if args.safetensors_index else None
    if path is None and args.hf_config:
        beside = Path(args.hf_config).with_name("model.safetensors.index.json")
        path = beside if beside.is_file() else None
    if path is None:
        return None
    try:
        return parse_safetensors_index(path.read_bytes(), str(path.name)).total_size
    except OSError as exc:
        raise CliError(f"{path}: cannot read file ({exc.strerror})") from exc
    except SafetensorsIndexError as exc:
        raise CliError(str(exc)) from exc


def handle(args: argparse.Namespace) -> int:
    from workbench.domain.gpu import FitRequest, evaluate_fit
    from workbench.io.gpus import GpuCatalogError, load_gpu_catalog

    spec = _spec(args)
    try:
        request = FitRequest(
            weights=args.weights,
            kv_dtype=args.kv_dtype,
            context=args.context,
            concurrency=args.concurrency,
            gpu=args.gpu,
            gpus=args.gpus,
            tp=args.tp,
            gpu_memory_utilization=args.gpu_memory_utilization,
            overhead=args.overhead,
            kv_rule=args.kv_rule,
            max_num_batched_tokens=args.max_num_batched_tokens,
            output_tokens=args.output_tokens,
            checkpoint_bytes=_checkpoint_bytes(args),
        )
        result = evaluate_fit(spec, request, load_gpu_catalog())
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise CliError(f"--{field.replace('_', '-')}: {err['msg'].removeprefix('Value error, ')}") from exc
    except (ValueError, GpuCatalogError) as exc:
        raise CliError(str(exc)) from exc

    if args.json:
        print_json(result)
        return 0
    r = result
    print(
        f"{spec.model_type}: {r.params_total / 1e9:.3f} B parameters ({r.params_active / 1e9:.3f} B active"
        + (f", vision tower {r.params_vision / 1e9:.3f} B" if r.params_vision else "") + ")"
        + ("" if r.verified else " — UNVERIFIED reading (generic fields; see the notes)")
    )
    print(
        f"  weights   {r.weights_format:>14}: {r.weights_bytes / GIB:8.2f} GiB total, "
        f"{r.weights_bytes_per_gpu / GIB:.2f} GiB per GPU"
    )
    print(
        f"  KV        {r.kv_dtype:>14}: {r.kv_bytes_per_token:,} B/token; {r.kv_bytes_per_gpu / GIB:.2f} GiB per GPU "
        f"for {r.concurrency} × {r.context:,} tokens"
    )
    print(f"  overhead  {r.overhead_model:>14}: {r.overhead_bytes / GIB:.2f} GiB per GPU")
    print(
        f"  total per GPU {r.total_bytes_per_gpu / GIB:.2f} GiB of {r.usable_bytes_per_gpu / GIB:.2f} GiB usable "
        f"({r.gpus} × {r.gpu}, TP {r.tp}): {'fits' if r.fits else 'DOES NOT FIT'}, "
        f"headroom {r.headroom_bytes / GIB:.2f} GiB"
    )
    print(
        f"  max concurrency at {r.context:,}: {r.max_concurrency}; max context at {r.concurrency}: {r.max_context:,}"
    )
    print(f"  KV pool per GPU {r.kv_pool_bytes_per_gpu / GIB:.2f} GiB = {r.kv_pool_tokens:,} tokens (vLLM's count)")
    if r.decode_tokens_per_s is not None:
        cost = ("" if r.usd_per_mtok_output_self_hosted is None else
                f"; self-hosted ${r.usd_per_mtok_input_self_hosted:.3f} in / ${r.usd_per_mtok_output_self_hosted:.3f}"
                " out per 1M tokens")
        prefill = "unknown" if r.prefill_tokens_per_s is None else f"{r.prefill_tokens_per_s:,.0f}"
        print(f"  throughput: decode {r.decode_tokens_per_s:,.0f} tok/s (bound {r.decode_bound_tokens_per_s:,.0f}), "
              f"prefill {prefill} tok/s{cost}")
    print("  min GPUs: " + ", ".join(f"{k} {v if v else '-'}" for k, v in r.min_gpus.items()))
    print("  vllm serve MODEL " + " ".join(r.vllm_args))
    print(
        f"  seed rule of thumb: {r.rule_of_thumb_bytes / 1e9:.2f} GB vs detailed {r.detailed_total_bytes / 1e9:.2f} GB"
    )
    for note in r.notes:
        print(f"  note: {note}")
    return 0
