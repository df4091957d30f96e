"""Streamlit helpers for the GPU fit page: cached fits, the input panel (a fragment), outputs and charts.

Formulas live in :mod:`workbench.domain.gpu`; this module only lays out inputs and results. Every
byte figure is shown in GiB (2^30 B, what engines log) and GB (10^9 B, what vendors print), both labelled.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine

from workbench.charts.gpu import concurrency_vs_context, fit_matrix_heatmap, memory_stack
from workbench.domain.architecture import ArchitectureError, ArchitectureSpec
from workbench.domain.candidate_architecture import NotOpenWeightsError, import_architecture
from workbench.domain.gpu import (
    DECODE_EFFICIENCY,
    FITTED_GPUS,
    KV_DTYPES,
    MAX_CONCURRENCY,
    MAX_CONTEXT,
    MAX_GPUS,
    OVERHEAD_MODELS,
    STEP_OVERHEAD_S,
    WEIGHT_FORMATS,
    FitInputError,
    FitRequest,
    FitResult,
    GpuCatalog,
    concurrency_context_curve,
    evaluate_fit,
    fit_matrix_table,
    is_fitted_gpu,
    valid_tp_sizes,
    weight_format,
)
from workbench.domain.gpu_constraint import format_context
from workbench.domain.models import Candidate, GpuFitConstraint
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import HfConfigError, load_config_dict, parse_hf_config
from workbench.store import workspace
from workbench.store.repository import ConflictError, Record, StoreError
from workbench.ui.presenter import show_chart
from workbench.ui.state import flash, seen_versions
from workbench.ui.text import md

GIB, GB = 2**30, 10**9
DEFAULT_GPU = "H100 80GB SXM"

# widget keys (stable: tests and the profile-defaults callback use them)
K_WEIGHTS, K_KV, K_CONTEXT, K_CONC = "gpu_weights", "gpu_kv", "gpu_context", "gpu_concurrency"
K_GPU, K_COUNT, K_TP, K_UTIL, K_OVERHEAD, K_RULE = (
    "gpu_type", "gpu_count", "gpu_tp", "gpu_util", "gpu_overhead", "gpu_kv_rule")

WEIGHT_CHOICES: list[str] = [
    "checkpoint", "bf16", "fp16", "fp8", "int8", "gptq-int4-g128", "gptq-int4-g32", "awq-int4-g128",
    "awq-int4-g64", "gptq-int8-g128", "mxfp4", "nvfp4",
    *[k for k in WEIGHT_FORMATS if k not in ("bf16", "fp16", "fp8", "int8", "mxfp4", "nvfp4")],
]
KV_CHOICES: list[str] = ["auto", *[k for k in KV_DTYPES if k != "bf16"]]

PARAMETER_CONVENTION = (
    "**Total** = every parameter of the text decoder that transformers instantiates (embeddings, output head "
    "unless tied, attention, all routed and shared experts, routers, norms); multi-token-prediction layers and "
    "vision/audio towers are not counted. **Active** = what one token touches: total minus the routed experts "
    "not selected, *including* the input embedding and output head. **Active excl. embedding** is the figure "
    "publishers usually quote."
)
RULE_OF_THUMB_EXPLAINED = (
    "Seed 002's rule `V ≈ P·B·1.18 + V_kv` with `V_kv ≈ 2·L·H_kv·D·ctx·batch·bytes` treats every layer as full "
    "attention with the config's KV heads and a flat 18% margin. The detailed figure follows vLLM per layer: "
    "sliding/chunked layers are capped at their window, linear-attention/Mamba layers hold a fixed state, MLA "
    "(DeepSeek) caches one `kv_lora_rank + qk_rope_head_dim` latent per token per layer instead of "
    "2 × heads × head_dim (and replicates it on every TP rank), weights use each format's real bits, and "
    "overhead comes from the chosen engine profile."
)


def both(n_bytes: float) -> str:
    """'14.96 GiB (16.06 GB)'."""
    return f"{n_bytes / GIB:,.2f} GiB ({n_bytes / GB:,.2f} GB)"


def config_key(raw: dict[str, Any]) -> str:
    """Canonical JSON text of a config: the hashable cache key for everything derived from it."""
    return json.dumps(raw, sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- cached computations
@st.cache_resource(max_entries=1)
def gpu_catalog() -> GpuCatalog:
    return load_gpu_catalog()


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False)
def parse_spec(config_json: str) -> ArchitectureSpec:
    return parse_hf_config(json.loads(config_json))


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def cached_fit(config_json: str, request: FitRequest) -> FitResult:
    return evaluate_fit(parse_spec(config_json), request, gpu_catalog())


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def cached_curve(config_json: str, request: FitRequest, contexts: tuple[int, ...]) -> list[dict[str, int]]:
    return concurrency_context_curve(parse_spec(config_json), request, gpu_catalog(), contexts)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def cached_matrix(
    configs: tuple[tuple[str, str], ...], weights: str, kv: str, context: int, concurrency: int, util: float,
    overhead: str,
) -> tuple[list[str], list[list[int | None]], list[str]]:
    """(candidate names, matrix rows, problems) for the fit matrix (``fit_matrix_table``, the same function the
    Excel GPU sheet uses); MLA-only KV dtypes fall back to fp8."""
    specs, problems = [], []
    for name, cfg in configs:
        try:
            specs.append((name, parse_spec(cfg)))
        except ArchitectureError as exc:
            problems.append(f"{name}: {exc}")
    table = fit_matrix_table(specs, gpu_catalog().gpus, context=context, concurrency=concurrency, weights=weights,
                             kv=kv, gpu_memory_utilization=util, overhead=overhead)
    return table.names, table.rows, problems + table.problems


# --------------------------------------------------------------------------- input defaults
def _constraint_values(c: GpuFitConstraint, catalog: GpuCatalog) -> dict[str, Any]:
    try:
        gpu = catalog.get(c.gpu).name
    except FitInputError:
        gpu = DEFAULT_GPU
    return {K_WEIGHTS: c.weights_format, K_KV: "auto" if c.kv_dtype == "bf16" else c.kv_dtype,
            K_CONTEXT: c.context_tokens, K_CONC: c.concurrency, K_GPU: gpu, K_COUNT: c.max_gpus, K_TP: 0,
            K_UTIL: float(c.gpu_memory_utilization)}


def constraint_label(profile_name: str, c: GpuFitConstraint | None) -> str:
    if c is None:
        return profile_name
    return (f"{profile_name}: ≤ {c.max_gpus} × {c.gpu}, {c.context_tokens:,} tokens × {c.concurrency} "
            f"({c.weights_format} weights, {c.kv_dtype} KV)")


def apply_constraint(constraint: GpuFitConstraint | None) -> None:
    """Load a profile's GPU constraint into the inputs (on_change callback of the profile selector)."""
    if constraint is not None:
        st.session_state.update(_constraint_values(constraint, gpu_catalog()))


INPUT_DEFAULTS: dict[str, Any] = {
    K_WEIGHTS: "checkpoint", K_KV: "auto", K_CONTEXT: 8192, K_CONC: 8, K_GPU: DEFAULT_GPU, K_COUNT: 1, K_TP: 0,
    K_UTIL: 0.90, K_OVERHEAD: "vllm", K_RULE: "vllm"}
_KEEP = "gpu_keep_"  # copies of the inputs that survive runs where the panel is not drawn


def init_inputs() -> None:
    """Give every input its value before the widgets exist: the user's last choice, else the default.

    Streamlit drops a widget's state when a run does not draw it (e.g. while a config is being uploaded), and a
    re-drawn widget would show its minimum; writing the value through the Session State API each full run keeps
    the widget, the browser and the computation in agreement.
    """
    for key, default in INPUT_DEFAULTS.items():
        st.session_state[key] = st.session_state.get(key, st.session_state.get(_KEEP + key, default))


def _remember_inputs() -> None:
    for key in INPUT_DEFAULTS:
        st.session_state[_KEEP + key] = st.session_state.get(key)


def _ensure(key: str, options: list[Any], fallback: Any) -> None:
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback


# --------------------------------------------------------------------------- architecture
def show_architecture(spec: ArchitectureSpec) -> None:
    """Layers, heads, head_dim, MoE/MLA/linear, per-layer types, quantisation, parameters and assumptions."""
    counts = spec.parameter_counts()
    m = st.columns(6)
    m[0].metric("Layers", spec.num_hidden_layers)
    m[1].metric("Attention heads", spec.num_attention_heads)
    m[2].metric("KV heads" if spec.mla is None else "KV heads (MLA latent)",
                spec.num_key_value_heads if spec.mla is None else 1)
    m[3].metric("head_dim", spec.head_dim, help=f"source: {spec.head_dim_source}")
    m[4].metric("Parameters, total", f"{counts.total / 1e9:,.2f} B", help=f"{counts.total:,} parameters")
    m[5].metric("Parameters, active", f"{counts.active / 1e9:,.2f} B",
                help=f"{counts.active:,}; excluding the input embedding {counts.active_excl_embedding:,}")
    layer_types = ", ".join(f"{n} × {t.replace('_', ' ')}" for t, n in spec.layer_type_counts.items())
    rows = [
        ("Model type", f"{spec.model_type} ({', '.join(spec.architectures) or 'no architectures field'})"),
        ("Layer types", layer_types),
        ("Hidden size / vocabulary", f"{spec.hidden_size:,} / {spec.vocab_size:,} (tied embeddings: "
                                     f"{'yes' if spec.tie_word_embeddings else 'no'})"),
        ("Max position embeddings", f"{spec.max_position_embeddings:,} tokens" if spec.max_position_embeddings
         else "not stated"),
        ("Checkpoint quantisation", spec.checkpoint_format or "not stated (assumed bf16)"),
    ]
    if spec.sliding_window:
        rows.insert(2, ("Sliding window", f"{spec.sliding_window:,} tokens"))
    if spec.attention_chunk_size:
        rows.insert(2, ("Attention chunk (local layers)", f"{spec.attention_chunk_size:,} tokens"))
    if spec.moe:
        e = spec.moe
        rows.append(("Mixture of experts", f"{e.num_experts} experts, {e.experts_per_token} per token, "
                     f"{e.num_shared_experts} shared, expert FFN {e.expert_intermediate_size:,}"))
    if spec.mla:
        rows.append(("MLA", f"latent {spec.mla.latent_width} per token per layer = kv_lora_rank "
                     f"{spec.mla.kv_lora_rank} + qk_rope_head_dim {spec.mla.qk_rope_head_dim} "
                     f"(qk_nope {spec.mla.qk_nope_head_dim}, v_head_dim {spec.mla.v_head_dim})"))
    if spec.linear:
        rows.append(("Linear attention / Mamba", f"{spec.linear.kind}: {spec.linear.num_value_heads} value heads, "
                     f"state {spec.linear_state_bytes(1):,} B per request (fixed, not per token)"))
    rows.append(("Parameters (exact)", f"total {counts.total:,}; active {counts.active:,}; active excl. "
                 f"embedding {counts.active_excl_embedding:,}"))
    st.dataframe(pd.DataFrame(rows, columns=["Property", "Value"]), hide_index=True, width="stretch",
                 column_config={"Property": st.column_config.TextColumn(width="small"),
                                "Value": st.column_config.TextColumn(width="large")})
    st.caption("Parameter convention: " + PARAMETER_CONVENTION)
    if spec.assumptions:
        st.warning("Assumptions made reading this config:\n" + "\n".join(f"- {md(a)}" for a in spec.assumptions))


# --------------------------------------------------------------------------- the fit panel
def _inputs(spec: ArchitectureSpec, catalog: GpuCatalog) -> FitRequest | None:
    weights = list(WEIGHT_CHOICES)
    if st.session_state.get(K_WEIGHTS) not in weights:
        try:
            weights.append(weight_format(str(st.session_state.get(K_WEIGHTS))).name)
        except FitInputError:
            pass
    _ensure(K_WEIGHTS, weights, "checkpoint")
    kv_options = [k for k in KV_CHOICES if spec.mla is not None or not KV_DTYPES[k if k != "auto" else "bf16"].mla_only]
    _ensure(K_KV, kv_options, "auto")
    _ensure(K_GPU, catalog.names, DEFAULT_GPU)
    tp_options = [0, *valid_tp_sizes(spec, 64)]
    _ensure(K_TP, tp_options, 0)
    _ensure(K_OVERHEAD, list(OVERHEAD_MODELS), "vllm")
    ckpt = spec.checkpoint_format or "bf16"

    c1, c2, c3, c4 = st.columns(4)
    fmt = c1.selectbox("Weight format", weights, key=K_WEIGHTS, format_func=lambda k: (
        f"Checkpoint's own ({ckpt})" if k == "checkpoint" else
        f"{weight_format(k).label} · {weight_format(k).bits:.3g} bits/weight"))
    c2.selectbox("KV cache dtype", kv_options, key=K_KV, format_func=lambda k: (
        "auto (bf16, 2 B/element)" if k == "auto" else f"{k} ({KV_DTYPES[k].bytes_per_element:g} B/element)"))
    c3.number_input("Context per sequence (tokens)", 1, MAX_CONTEXT, step=1024, key=K_CONTEXT,
                    help=f"1..{MAX_CONTEXT:,} tokens; the model allows {spec.max_position_embeddings or 'any':,}")
    c4.number_input("Concurrent sequences", 1, MAX_CONCURRENCY, step=1, key=K_CONC,
                    help=f"1..{MAX_CONCURRENCY:,} sequences decoding at once")
    c5, c6, c7, c8 = st.columns([2, 1, 1, 1.2])
    c5.selectbox("GPU type", catalog.names, key=K_GPU, format_func=lambda n: (
        f"{n} · {catalog.get(n).usable_gib:.1f} GiB usable"),
        help="usable = total memory the runtime reports (data/gpus.json), not the nameplate GB")
    c6.number_input("GPUs", 1, MAX_GPUS, step=1, key=K_COUNT, help="GPUs of this type (replicas × TP)")
    c7.selectbox("Tensor-parallel size", tp_options, key=K_TP, format_func=lambda t: "= GPUs" if t == 0 else str(t),
                 help="sizes that divide the attention heads (and KV heads, vLLM's check)")
    c8.slider("gpu_memory_utilization", 0.50, 1.00, step=0.01, key=K_UTIL,
              help="vLLM's budget: this fraction of the runtime-reported total memory")
    c9, c10 = st.columns([3, 1])
    overhead = c9.selectbox("Overhead model", list(OVERHEAD_MODELS), key=K_OVERHEAD,
                            format_func=lambda k: OVERHEAD_MODELS[k].label)
    c10.radio("KV reservation", ["vllm", "simple"], key=K_RULE, horizontal=True,
              help="vllm: 16-token blocks, sliding layers reserve window + batched tokens; simple: min(T, window)")
    o = OVERHEAD_MODELS[overhead]
    wf = weight_format(ckpt if fmt == "checkpoint" else fmt)
    kept = ("all tensors are 16-bit" if wf.bits >= 16 else
            f"kept at 16-bit: {', '.join(wf.kept_16bit) or 'none (GGUF quantises every matrix)'}")
    st.caption(f"Weights {wf.label}: {wf.bits:.4g} bits/weight, {kept} (source: {wf.source}). "
               f"Overhead: {o.description} (source: {o.source}).")
    _remember_inputs()
    count, tp = int(st.session_state[K_COUNT]), int(st.session_state[K_TP])
    try:
        return FitRequest(weights=fmt, kv_dtype=st.session_state[K_KV], context=int(st.session_state[K_CONTEXT]),
                          concurrency=int(st.session_state[K_CONC]), gpu=st.session_state[K_GPU], gpus=count,
                          tp=tp or count, gpu_memory_utilization=float(st.session_state[K_UTIL]), overhead=overhead,
                          kv_rule=st.session_state[K_RULE])
    except ValidationError as exc:
        st.error(md("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())))
        return None


def _verdict(r: FitResult) -> None:
    """The answer first: fits or not, on how many of which GPU, with what headroom; then throughput and cost."""
    place = f"{r.gpus} × {r.gpu} (TP {r.tp}{f', {r.replicas} replicas' if r.replicas > 1 else ''})"
    verdict = f"{both(r.total_bytes_per_gpu)} of {both(r.usable_bytes_per_gpu)} usable per GPU; " + (
        f"headroom {both(r.headroom_bytes)}, {r.headroom_fraction:.1%} of usable" if r.fits else
        f"short by {both(-r.headroom_bytes)}")
    (st.success if r.fits else st.error)(f"**{'Fits' if r.fits else 'Does not fit'}** on {place}: {verdict}")
    st.query_params["gpu"] = r.gpu
    _economics(r)


def _outputs(r: FitResult, model_label: str, hf_repo: str | None, shown_assumptions: list[str]) -> None:
    m = st.columns(3)
    m[0].metric(f"Max concurrency at {r.context:,} tokens", f"{r.max_concurrency:,}",
                help="sequences of this context the KV pool holds across all replicas")
    m[1].metric(f"Max context at {r.concurrency:,} sequences (tokens)", f"{r.max_context:,}",
                help=f"limited by: {r.max_context_limited_by} (model limit = max_position_embeddings)")
    m[2].metric("KV per token (all layers, TP 1)", f"{r.kv_bytes_per_token:,} B",
                help="; ".join(f"{k}: {v:,} B" for k, v in r.kv_bytes_per_token_by_layer_type.items()))
    rows = [("Weights", r.weights_bytes_per_gpu, f"{r.weights_format}, whole model {both(r.weights_bytes)} / TP"),
            ("KV cache", r.kv_bytes_per_gpu, f"{r.sequences_per_replica} seq × {r.context:,} tokens, {r.kv_dtype}, "
                                             f"{r.kv_rule} rule"),
            ("Overhead", r.overhead_bytes, OVERHEAD_MODELS[r.overhead_model].label),
            ("Total", r.total_bytes_per_gpu, "weights + KV + overhead"),
            ("Usable budget", r.usable_bytes_per_gpu, f"runtime total {both(r.capacity_bytes_per_gpu)} × "
                                                      f"{r.gpu_memory_utilization:.2f}")]
    st.dataframe(pd.DataFrame([{"Per GPU": n, "GiB (2^30 B)": b / GIB, "GB (10^9 B)": b / GB, "How": how}
                               for n, b, how in rows]), hide_index=True, width="stretch",
                 column_config={"GiB (2^30 B)": st.column_config.NumberColumn(format="%.2f"),
                                "GB (10^9 B)": st.column_config.NumberColumn(format="%.2f")})
    left, right = st.columns(2)
    with left:
        st.markdown("**vLLM command**")
        st.code(f"vllm serve {hf_repo or 'MODEL'} \\\n  " + " \\\n  ".join(
            f"{a} {b}" for a, b in zip(r.vllm_args[::2], r.vllm_args[1::2], strict=True)), language="bash")
        if not hf_repo:
            st.caption(f"Replace MODEL with the repository or local path of {md(model_label)}.")
    with right:
        st.markdown("**Seed's rule of thumb beside the detailed figure**")
        seed_rows = [("Seed rule of thumb", r.rule_of_thumb_bytes, r.rule_of_thumb_kv_bytes),
                     ("Detailed (per layer, vLLM)", r.detailed_total_bytes, r.kv_bytes),
                     ("Difference (rule − detailed)", r.rule_of_thumb_difference_bytes,
                      r.rule_of_thumb_kv_bytes - r.kv_bytes)]
        cols = ("GB (10^9 B)", "GiB (2^30 B)", "KV part, GB")
        st.dataframe(pd.DataFrame([{"All GPUs": n, cols[0]: t / GB, cols[1]: t / GIB, cols[2]: kv / GB}
                                   for n, t, kv in seed_rows]), hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.2f") for c in cols})
        st.caption(RULE_OF_THUMB_EXPLAINED)
    notes = [n for n in r.notes if n not in shown_assumptions]
    if notes:
        st.info("Notes:\n" + "\n".join(f"- {md(n)}" for n in notes))


def _economics(r: FitResult) -> None:
    """Throughput and self-hosted $/1M tokens beside the memory verdict (unknown when no sourced price)."""
    e = st.columns(4)
    unknown = "—"
    e[0].metric("Decode (output tok/s)", unknown if r.decode_tokens_per_s is None else f"{r.decode_tokens_per_s:,.0f}",
                help=f"at {r.concurrency} concurrent; {STEP_OVERHEAD_S * 1e3:.1f} ms a step + reads at "
                f"{DECODE_EFFICIENCY:.0%} of HBM bandwidth (fitted to published vLLM/NIM results), bound "
                + ("n/a" if r.decode_bound_tokens_per_s is None else f"{r.decode_bound_tokens_per_s:,.0f}"))
    e[1].metric("Prefill (input tok/s)", unknown if r.prefill_tokens_per_s is None else f"{r.prefill_tokens_per_s:,.0f}",
                help="compute roofline × 50% of the dense tensor TFLOP/s (FP8 for an FP8 checkpoint on a GPU "
                "with FP8 tensor cores, else BF16)")
    e[2].metric("Self-hosted $/1M input", unknown if r.usd_per_mtok_input_self_hosted is None
                else f"${r.usd_per_mtok_input_self_hosted:,.3f}", help=r.self_hosted_basis or "no GPU price in the catalog")
    e[3].metric("Self-hosted $/1M output", unknown if r.usd_per_mtok_output_self_hosted is None
                else f"${r.usd_per_mtok_output_self_hosted:,.3f}", help=r.self_hosted_basis or "no GPU price in the catalog")
    if r.decode_tokens_per_s is not None and not is_fitted_gpu(gpu_catalog().get(r.gpu)):
        st.caption(f"Throughput on {md(r.gpu)} is an extrapolation: the step-time model is fitted to published "
                   f"results on {', '.join(sorted(FITTED_GPUS))} only (on an MI300X it overestimated a published "
                   "SGLang result by 39-122%).")


def _min_gpus_table(r: FitResult, catalog: GpuCatalog) -> None:
    st.dataframe(pd.DataFrame([{
        "GPU type": name, "Usable (GiB, runtime)": catalog.get(name).usable_gib,
        "Nameplate (GB)": catalog.get(name).memory_nameplate_gb,
        "Min GPUs": "does not fit on ≤ 64" if n is None else str(n),
        "Usable source": catalog.get(name).usable_basis.replace("_", " ")} for name, n in r.min_gpus.items()]),
        hide_index=True, width="stretch", height=35 * (len(r.min_gpus) + 1) + 3)
    st.caption(f"Minimum tensor-parallel GPUs (one replica) for {r.concurrency} × {r.context:,} tokens with "
               f"{r.weights_format} weights, {r.kv_dtype} KV, utilization {r.gpu_memory_utilization:.2f}. "
               "Usable capacity per GPU: data/gpus.json (runtime-reported totals, not the nameplate).")


@st.fragment
def fit_panel(config_json: str, model_label: str, hf_repo: str | None,
              others: tuple[tuple[str, str], ...]) -> None:
    """Inputs, outputs and charts for one model; moving an input reruns only this fragment."""
    catalog = gpu_catalog()
    spec = parse_spec(config_json)
    answer = st.container(key="gpu-answer")  # filled once the inputs are read: the verdict above them
    request = _inputs(spec, catalog)
    if request is None:
        return
    try:
        result = cached_fit(config_json, request)
    except (FitInputError, ValueError) as exc:
        st.error(f"Cannot evaluate this setup: {md(exc)}")
        return
    with answer:
        _verdict(result)
    _outputs(result, model_label, hf_repo, spec.assumptions)
    limit = spec.max_position_embeddings or MAX_CONTEXT
    contexts = tuple(sorted({*(2**k for k in range(9, 24) if 2**k <= limit), limit, request.context}))
    chart_l, chart_r = st.columns(2)
    with chart_l:
        show_chart(memory_stack([result]), key="gpu_chart_stack")
    curve = concurrency_vs_context(cached_curve(config_json, request, contexts), request.context,
                                   request.concurrency)
    curve.update_yaxes(type="log", title="Concurrent sequences (count, log scale)")
    with chart_r:
        show_chart(curve, key="gpu_chart_curve")
    st.subheader("Minimum GPUs of each type")
    _min_gpus_table(result, catalog)
    st.subheader("Fit matrix: open-weight candidates × GPU types")
    if not others:
        st.info("No open-weight candidate has an architecture yet: import a config.json above.")
        return
    names, rows, problems = cached_matrix(others, request.weights, request.kv_dtype, request.context,
                                          request.concurrency, request.gpu_memory_utilization, request.overhead)
    if names:
        fig = fit_matrix_heatmap(names, catalog.names, rows)
        show_chart(fig, key="gpu_chart_matrix")
        st.caption(f"Cells: minimum GPUs at {format_context(request.context)} context × {request.concurrency} "
                   f"concurrent with the inputs above; weights: "
                   + ("each candidate's checkpoint format." if request.weights == "checkpoint" else
                      f"{request.weights} for every candidate."))
    for problem in problems:
        st.warning(problem)


# --------------------------------------------------------------------------- config.json upload
def read_upload(key: str, label: str) -> tuple[str, dict[str, Any]] | None:
    """A file uploader for a config.json: (file name, config dict) or None; errors shown, naming the field."""
    upload = st.file_uploader(label, type=["json"], key=key)
    if upload is None:
        return None
    try:
        raw = load_config_dict(upload.getvalue(), upload.name)
        parse_spec(config_key(raw))
    except HfConfigError as exc:
        st.error(f"Nothing was saved. {md(exc)}")
        return None
    except ArchitectureError as exc:
        st.error(f"Nothing was saved. {md(upload.name)}: {md(exc)}")
        return None
    return upload.name, raw


def import_config_panel(engine: Engine, record: Record[Candidate], actor: str, *, expanded: bool) -> None:
    """Upload a config.json and save it as the candidate's architecture (optimistic lock, provenance, audit)."""
    name = record.model.name
    with st.expander(f"Import a config.json into {md(name)}", expanded=expanded, icon=":material/upload_file:"):
        st.caption("Validated before anything is saved; the file name becomes the provenance source and you the "
                   f"person who entered it. Headless: `workbench import hf-config config.json --candidate \"{name}\"`.")
        upload = read_upload("gpu_import_file", "Hugging Face config.json")
        if upload is None:
            return
        file_name, raw = upload
        try:
            result = import_architecture(record.model, raw, source=file_name, actor=actor, parse=parse_hf_config)
        except (NotOpenWeightsError, ArchitectureError) as exc:
            st.error(f"Nothing was saved. {md(file_name)}: {md(exc)}")
            return
        for warning in result.warnings:
            st.warning(md(warning))
        if result.unchanged:
            st.info(f"{md(file_name)} is the architecture {md(name)} already has; nothing to save.")
            return
        st.dataframe(pd.DataFrame([{"Field": k, "Before": "unknown" if v[0] is None else str(v[0]),
                                    "After": str(v[1])} for k, v in result.changes.items()]), hide_index=True)
        if st.button(f"Save architecture to {md(name)}", key="gpu_import_save", type="primary"):
            seen_key = f"candidate:{record.id}"
            seen = seen_versions().get(seen_key, record.version)
            try:
                saved = workspace.save_candidate(engine, record.id, result.candidate, seen, actor)
            except (ConflictError, StoreError) as exc:
                st.error(md(exc))
                return
            seen_versions()[seen_key] = saved.version
            flash("success", f"Saved the architecture of {name} from {file_name} (version {saved.version}).")
            st.rerun()
