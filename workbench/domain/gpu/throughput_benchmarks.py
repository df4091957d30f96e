"""Published decode-throughput measurements the step-time model of :mod:`.throughput` is fitted to.

Each case states the engine, GPU, tensor-parallel size, batch (concurrency), lengths and the measured figure as
the source prints it; ``tokens_per_s`` is the decode rate of one replica derived from it (concurrency ÷ TPOT/ITL,
or batch × output tokens ÷ end-to-end latency). ``config`` names the ``config.json`` under ``tests/fixtures`` the
test reads. Cases in :data:`NOT_FITTED` are published too but measure something the decode model leaves out; the
test pins how far off they are, with the reason. :data:`HELD_OUT` cases were not used in the fit; they show
where the fitted constants do not carry over (:data:`FITTED_GPUS` are the GPU types the fit covers).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    """One published throughput result."""

    model: str
    config: str
    gpu: str
    tp: int
    batch: int
    input_tokens: int
    output_tokens: int
    weights: str
    tokens_per_s: float
    engine: str
    source: str
    measured: str


_FP8_KV_BLOG = ("vLLM blog 'FP8 KV cache' (2026-04-22), Single Request Benchmarking: `vllm bench serve` concurrency 1, "
                "128 output tokens, ITL = slope x input_len + intercept, https://blog.vllm.ai/2026/04/22/fp8-kvcache.html")
_VLLM_CI = ("vLLM nightly performance benchmark, latency tests (benchmark_latency.py, input 32, output 128, batch 8, "
            "5 warm-up + 15 iterations; .buildkite/nightly-benchmarks/tests/latency-tests.json), "
            "https://buildkite.com/vllm/performance-benchmark/builds/")
_NIM = ("NVIDIA NIM for LLMs benchmarking, Llama-3.3-70b-instruct, version 1.8.0, 2 x H100 80G, fp8 TP2, "
        "5000 input / 500 output tokens, https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance")
_LLAMA8 = "hf-config-corpus/Llama-3.1-8B.json"
_LLAMA70 = "hf-config-corpus/meta-llama--Meta-Llama-3.1-70B.json"
_MIXTRAL = "hf-config-corpus/Mixtral-8x7B-v0.1.json"
_GPT_OSS = "hf-configs/gpt-oss-20b.config.json"

#: The cases the step-time constants are fitted to (minimax relative error, see :mod:`.throughput`).
BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("Llama-3.1-8B", _LLAMA8, "H100", 1, 1, 1024, 128, "bf16", 1000 / (6.44 + 4.37e-5 * 1024),
              "vLLM 0.19.1", _FP8_KV_BLOG, "BF16 KV: intercept 6.44 ms, slope 4.37e-05 ms/token (H100 form "
              "factor not stated)"),
    Benchmark("Llama-3.1-8B", _LLAMA8, "B200", 1, 1, 1024, 128, "bf16", 1000 / (3.93 + 1.80e-5 * 1024),
              "vLLM 0.19.1", _FP8_KV_BLOG, "BF16 KV: intercept 3.93 ms, slope 1.80e-05 ms/token"),
    Benchmark("gpt-oss-20b", _GPT_OSS, "H100", 1, 1, 1024, 128, "checkpoint", 1000 / (4.05 + 8.94e-6 * 1024),
              "vLLM 0.19.1", _FP8_KV_BLOG, "BF16 KV: intercepts 4.03-4.07 ms, slope 8.94e-06 ms/token"),
    Benchmark("gpt-oss-20b", _GPT_OSS, "B200", 1, 1, 1024, 128, "checkpoint", 1000 / (3.15 + 3.56e-6 * 1024),
              "vLLM 0.19.1", _FP8_KV_BLOG, "BF16 KV: intercept 3.15 ms, slope 3.56e-06 ms/token"),
    Benchmark("Llama-3-8B", _LLAMA8, "H100", 1, 8, 32, 128, "bf16", 8 * 128 / 0.997542, "vLLM (2024 nightly)",
              _VLLM_CI + "9555", "latency_llama8B_tp1 8xH100 mean 997.542 ms"),
    Benchmark("Llama-3-8B", _LLAMA8, "A100 80GB", 1, 8, 32, 128, "bf16", 8 * 128 / 1.57927, "vLLM (2024 nightly)",
              _VLLM_CI + "9523", "latency_llama8B_tp1 A100-SXM4-80GB mean 1579.27 ms"),
    Benchmark("Llama-3-8B", _LLAMA8, "H200", 1, 8, 32, 128, "bf16", 8 * 128 / 0.834059, "vLLM (2024 nightly)",
              _VLLM_CI + "9513", "latency_llama8B_tp1 H200 mean 834.059 ms"),
    Benchmark("Llama-3-70B", _LLAMA70, "H100", 4, 8, 32, 128, "bf16", 8 * 128 / 2.44447, "vLLM (2024 nightly)",
              _VLLM_CI + "9555", "latency_llama70B_tp4 8xH100 mean 2444.47 ms"),
    Benchmark("Llama-3-70B", _LLAMA70, "A100 80GB", 4, 8, 32, 128, "bf16", 8 * 128 / 3.99059,
              "vLLM (2024 nightly)", _VLLM_CI + "9523", "latency_llama70B_tp4 A100-SXM4-80GB mean 3990.59 ms"),
    Benchmark("Llama-3-70B", _LLAMA70, "H200", 4, 8, 32, 128, "bf16", 8 * 128 / 2.07508, "vLLM (2024 nightly)",
              _VLLM_CI + "9513", "latency_llama70B_tp4 H200 mean 2075.08 ms"),
    Benchmark("Mixtral-8x7B", _MIXTRAL, "H100", 2, 8, 32, 128, "bf16", 8 * 128 / 2.32697, "vLLM (2024 nightly)",
              _VLLM_CI + "9555", "latency_mixtral8x7B_tp2 8xH100 mean 2326.97 ms"),
    Benchmark("Mixtral-8x7B", _MIXTRAL, "A100 80GB", 2, 8, 32, 128, "bf16", 8 * 128 / 3.64384,
              "vLLM (2024 nightly)", _VLLM_CI + "9523", "latency_mixtral8x7B_tp2 A100-SXM4-80GB mean 3643.84 ms"),
    Benchmark("Mixtral-8x7B", _MIXTRAL, "H200", 2, 8, 32, 128, "bf16", 8 * 128 / 1.9211, "vLLM (2024 nightly)",
              _VLLM_CI + "9513", "latency_mixtral8x7B_tp2 H200 mean 1921.1 ms"),
    Benchmark("Llama-3.3-70B", _LLAMA70, "H100", 2, 1, 5000, 500, "fp8", 1000 / 18.58, "NIM 1.8.0", _NIM,
              "concurrency 1: TTFT 406.77 ms, ITL 18.58 ms"),
    Benchmark("Llama-3.3-70B", _LLAMA70, "H100", 2, 5, 5000, 500, "fp8", 5 * 1000 / 21.83, "NIM 1.8.0", _NIM,
              "concurrency 5: TTFT 546.7 ms, ITL 21.83 ms"),
)

#: Published, but the ITL also carries work the decode model charges elsewhere: at concurrency 25 and 50 with
#: 5,000-token prompts and 500-token answers, every decode step also runs ~10 prompt tokens per sequence of chunked
#: prefill (250-500 tokens a step), which the cost model charges to input tokens at the prefill rate.
NOT_FITTED: tuple[Benchmark, ...] = (
    Benchmark("Llama-3.3-70B", _LLAMA70, "H100", 2, 25, 5000, 500, "fp8", 25 * 1000 / 38.75, "NIM 1.8.0", _NIM,
              "concurrency 25: TTFT 688.69 ms, ITL 38.75 ms"),
    Benchmark("Llama-3.3-70B", _LLAMA70, "H100", 2, 50, 5000, 500, "fp8", 50 * 1000 / 59.73, "NIM 1.8.0", _NIM,
              "concurrency 50: TTFT 834.51 ms, ITL 59.73 ms"),
)

#: GPU types (catalog aliases) the fitted cases ran on; elsewhere the throughput is an unverified extrapolation.
FITTED_GPUS: frozenset[str] = frozenset(b.gpu for b in BENCHMARKS)

_SGLANG_GPT_OSS = ("LMSYS blog 'SGLang for gpt-oss' (2025-08-27), Low-Latency Performance (Batch Size = 1), SGLang "
                   "v0.5.1.post3 bench_one_batch_server --batch-size 1 --input-len 1024 --output-len 512 (reproduction "
                   "README), https://lmsys.org/blog/2025-08-27-gpt-oss/")
_INFERENCEX = ("InferenceX issue #828 ('gptoss fp4 h100 vllm TP2/4/8 x conc4-64'), ISL/OSL 1k/1k, table sorted by TPOT "
               "(bot-generated run, vLLM version not shown), https://github.com/SemiAnalysisAI/InferenceX/issues/828")
_GPT_OSS_120B = "hf-configs/gpt-oss-120b.config.json"

#: Published, not used in the fit. Where the fitted constants carry over and where they do not (errors pinned by
#: the test): gpt-oss-120b MoE at concurrency 64 on H100 within 3%; at batch 1 with TP 8 (SGLang 0.5, which spends
#: less time per step and per all-reduce than the fitted vLLM builds) 30-54% slow, i.e. a conservative cost; AMD
#: MI300X with SGLang (ROCm) overestimated by 39-122% — so a GPU outside :data:`FITTED_GPUS` is flagged.
HELD_OUT: tuple[Benchmark, ...] = (
    Benchmark("gpt-oss-120b", _GPT_OSS_120B, "H100", 8, 1, 1024, 512, "checkpoint", 318.53, "SGLang 0.5.1.post3",
              _SGLANG_GPT_OSS, "MXFP4, NVIDIA H100, TP 8, triton attention: 318.53 tok/s"),
    Benchmark("gpt-oss-120b", _GPT_OSS_120B, "B200", 4, 1, 1024, 512, "checkpoint", 416.02, "SGLang 0.5.1.post3",
              _SGLANG_GPT_OSS, "MXFP4, NVIDIA B200, TP 4: 416.02 tok/s"),
    *(Benchmark("gpt-oss-120b", _GPT_OSS_120B, "H100", tp, c, 1024, 1024, "checkpoint", c * 1000 / tpot, "vLLM",
                _INFERENCEX, f"TP {tp}, concurrency {c}: TPOT {tpot} ms")
      for tp, c, tpot in ((8, 4, 3.72), (8, 64, 7.36), (2, 64, 15.21))),
    *(Benchmark("Gemma-4-31B-it", "hf-config-corpus/nvidia--Gemma-4-31B-IT-NVFP4.json", "MI300X", 1, c, 1000, 1000,
                "bf16", c * 1000 / tpot, "SGLang 0.5.13.post1 (ROCm 7.2)",
                "SGLang PR #31216 (open), Speed Benchmarks ISL/OSL 1000/1000, google/gemma-4-31B-it BF16 on one "
                "MI300X, https://github.com/sgl-project/sglang/pull/31216", f"concurrency {c}: TPOT {tpot} ms")
      for c, tpot in ((1, 21.49), (16, 31.45), (64, 62.93))),
)

#: Published prefill: the time to first token of one request (one decode step inside it is ignored); tokens/s =
#: prompt tokens ÷ TTFT. The prefill efficiency is checked against it, not fitted.
PREFILL_BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("Llama-3.3-70B", _LLAMA70, "H100", 2, 1, 5000, 500, "fp8", 5000 / 0.40677, "NIM 1.8.0", _NIM,
              "concurrency 1: TTFT 406.77 ms for 5,000 prompt tokens"),
)
