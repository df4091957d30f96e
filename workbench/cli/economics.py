"""`workbench economics cost|crossover|cascade|rag`: the economics formulas, headless.

All money is USD. Prices are USD per 1M tokens (``--*-per-1m``). Every subcommand prints a short
human summary, or with ``--json`` one JSON document (NaN/inf become null). Bad input exits 2 with
a message naming the input. No store is touched.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.domain import economics as econ
from workbench.domain.models import Workload
from workbench.domain.money import usd_per_month, usd_per_request, usd_per_success

_W = Workload()  # defaults shared with the app's workload form


def _f(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


def _require(args: argparse.Namespace, *names: str) -> None:
    for name in names:
        if getattr(args, name) is None:
            raise CliError(f"--{name.replace('_', '-')} is required")


def _tier(text: str) -> tuple[float, float, float, float]:
    parts = text.split(":")
    if not 2 <= len(parts) <= 4:
        raise argparse.ArgumentTypeError("expected ABOVE_TOKENS:INPUT_PER_1M[:OUTPUT_PER_1M[:CACHED_PER_1M]]")
    try:
        nums = [float(p) if p.strip() else math.nan for p in parts]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number in tier {text!r}") from exc
    nums += [math.nan] * (4 - len(nums))
    return nums[0], nums[1], nums[2], nums[3]


def _option(text: str) -> tuple[str, float, float]:
    parts = text.rsplit(",", 2)
    if len(parts) != 3 or not parts[0].strip():
        raise argparse.ArgumentTypeError("expected LABEL,COST_PER_CALL_USD,QUALITY (quality 0..1)")
    try:
        return parts[0].strip(), float(parts[1]), float(parts[2])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number in option {text!r}") from exc


# --------------------------------------------------------------------------- cost


def _cost(args: argparse.Namespace) -> int:
    _require(args, "input_per_1m", "output_per_1m")
    tok_mult = 1.0
    if args.chars_per_token is not None:
        tok_mult = float(econ.tokenizer_multiplier(args.chars_per_token, args.reference_chars_per_token))
    tiers = args.long_context_tier or []
    tier_kwargs: dict[str, Any] = {}
    if tiers:
        arr = np.array(tiers, dtype=np.float64)
        tier_kwargs = {
            "tier_thresholds": arr[:, 0], "tier_input_per_mtok": arr[:, 1],
            "tier_output_per_mtok": arr[:, 2], "tier_cached_input_per_mtok": arr[:, 3],
        }
    call = econ.cost_per_call(
        args.input_tokens, args.output_tokens,
        input_per_mtok=args.input_per_1m, output_per_mtok=args.output_per_1m,
        cached_input_per_mtok=args.cached_input_per_1m, reasoning_per_mtok=args.reasoning_per_1m,
        cached_share=args.cached_share, reasoning_tokens=args.reasoning_tokens,
        effort_multiplier=args.effort_multiplier, tokenizer_mult=tok_mult, **tier_kwargs,
    )
    success = econ.cost_per_success(
        call, valid_output_rate=args.valid_output_rate, max_retries=args.max_retries,
        human_review_cost_usd=args.human_review_cost, human_review_rate=args.human_review_rate,
    )
    monthly = econ.monthly_totals(success, args.requests_per_month)
    doc: dict[str, Any] = {
        "currency": "USD",
        "cost_per_call_usd": _f(call.total_usd),
        "call_breakdown_usd": {
            "uncached_input": _f(call.uncached_input_usd), "cached_input": _f(call.cached_input_usd),
            "output": _f(call.output_usd), "reasoning": _f(call.reasoning_usd),
        },
        "billed_tokens": {
            "input": _f(call.input_tokens), "output": _f(call.output_tokens), "reasoning": _f(call.reasoning_tokens),
        },
        "long_context_tier": bool(call.long_context),
        "tokenizer_multiplier": tok_mult,
        "cost_per_success_usd": _f(success.total_usd),
        "breakdown_per_success_usd": {k: _f(v) for k, v in success.components_usd.items()},
        "cost_per_request_usd": _f(success.cost_per_request_usd),
        "success_probability": _f(success.success_probability),
        "expected_attempts": _f(success.expected_attempts),
        "monthly": {k: _f(v) for k, v in monthly.items()},
    }
    if args.json:
        print_json(doc)
    else:
        print(f"cost per call:    {usd_per_request(doc['cost_per_call_usd'])}")
        print(f"cost per success: {usd_per_success(doc['cost_per_success_usd'])}")
        for key, value in doc["breakdown_per_success_usd"].items():
            print(f"  {econ.COST_COMPONENT_LABELS[key]:<26} {usd_per_success(value)}")
        print(f"monthly total:    {usd_per_month(doc['monthly']['total_usd'])} "
              f"for {args.requests_per_month:,} requests")
    return 0


# --------------------------------------------------------------------------- crossover


def _crossover(args: argparse.Namespace) -> int:
    options = args.option or []
    volume_wanted = args.gpu_hourly_usd is not None or args.api_cost_per_request is not None
    if not options and not volume_wanted:
        raise CliError("give --option LABEL,COST_PER_CALL_USD,QUALITY (repeat) and/or the self-hosting "
                       "inputs --api-cost-per-request, --gpu-hourly-usd, --gpus")
    doc: dict[str, Any] = {"currency": "USD", "options": [], "segments": [], "crossovers": [], "volume": None}
    if options:
        labels = [o[0] for o in options]
        cost_call = econ._nonneg("option cost per call", [o[1] for o in options])
        quality = econ._probability("option quality", [o[2] for o in options])
        with np.errstate(divide="ignore"):
            cps = np.where(quality > 0, cost_call / np.where(quality > 0, quality, 1.0), np.inf)
        result = econ.required_quality_crossover(labels, cps, quality)
        doc["options"] = [
            {"label": lab, "cost_per_call_usd": _f(cost_call[i]), "quality": _f(quality[i]),
             "cost_per_success_usd": _f(cps[i]), "on_frontier": bool(result.frontier[i])}
            for i, lab in enumerate(labels)
        ]
        doc["segments"] = [
            {"required_quality_from": s.q_from, "required_quality_to": s.q_to, "cheapest": s.label,
             "cost_per_success_usd": s.cost_per_success_usd}
            for s in result.segments
        ]
        doc["crossovers"] = [
            {"at_required_quality": c.at_quality, "from": c.from_label, "to": c.to_label,
             "from_cost_per_success_usd": c.from_cost_usd, "to_cost_per_success_usd": c.to_cost_usd,
             "explanation": c.explanation}
            for c in result.crossovers
        ]
        doc["max_quality"] = result.max_quality
    if volume_wanted:
        _require(args, "api_cost_per_request", "gpu_hourly_usd")
        base = econ.self_host_vs_api(
            [0.0], api_cost_per_request_usd=args.api_cost_per_request, gpu_hourly_usd=args.gpu_hourly_usd,
            gpus=args.gpus, hours_per_month=args.hours_per_month,
            capacity_requests_per_month=args.capacity_requests_per_month, fixed_monthly_usd=args.fixed_monthly_usd,
        )
        vmax = args.max_volume or (2 * base.break_even_volume if math.isfinite(base.break_even_volume) else 1e7)
        comp = econ.self_host_vs_api(
            np.linspace(0.0, vmax, 51), api_cost_per_request_usd=args.api_cost_per_request,
            gpu_hourly_usd=args.gpu_hourly_usd, gpus=args.gpus, hours_per_month=args.hours_per_month,
            capacity_requests_per_month=args.capacity_requests_per_month, fixed_monthly_usd=args.fixed_monthly_usd,
        )
        doc["volume"] = {
            "replica_monthly_usd": comp.replica_monthly_usd,
            "break_even_requests_per_month": _f(comp.break_even_volume),
            "crossings_requests_per_month": comp.crossings.tolist(),
            "reversals_requests_per_month": comp.reversals.tolist(),
            "explanation": comp.explanation,
        }
    if args.json:
        print_json(doc)
    else:
        for c in doc["crossovers"]:
            print(c["explanation"])
        if doc["segments"] and not doc["crossovers"]:
            print(f"{doc['segments'][0]['cheapest']} is the cheapest per success at every required quality.")
        if doc["volume"]:
            print(doc["volume"]["explanation"])
    return 0


# --------------------------------------------------------------------------- cascade


def _cascade(args: argparse.Namespace) -> int:
    _require(args, "cheap_cost_per_1m", "premium_cost_per_1m")
    if args.escalation_rate is None and args.calibration is None:
        raise CliError("give --escalation-rate (0..1) or --calibration FILE.csv")
    cl, ch, cj, cr = args.cheap_cost_per_1m, args.premium_cost_per_1m, args.judge_cost_per_1m, args.router_cost_per_1m
    doc: dict[str, Any] = {
        "cost_unit": "USD per 1M tokens",
        "premium_direct_cost_per_1m": _f(econ._nonneg("premium_cost_per_1m", ch)),
        "cascade": None, "router": None, "sweep": None, "best_threshold": None,
        "break_even_escalation_rate": _f(econ.cascade_break_even_rate(cl, ch, cj)),
        "router_break_even_strong_share": _f(econ.router_break_even_share(cl, ch, cr)),
    }
    cascade_be, router_be = econ.cascade_break_even(cl, ch, cj), econ.router_break_even(cl, ch, cr)
    doc["cascade_never_pays"], doc["cascade_break_even_sentence"] = cascade_be.never_pays, cascade_be.sentence
    doc["router_never_pays"], doc["router_break_even_sentence"] = router_be.never_pays, router_be.sentence
    if args.escalation_rate is not None:
        p = args.escalation_rate
        f = args.strong_share if args.strong_share is not None else p
        c_cas = econ.cascade_expected_cost(cl, ch, p, cj)
        c_rou = econ.router_expected_cost(cl, ch, f, cr)
        cas: dict[str, Any] = {
            "escalation_rate": p, "expected_cost_per_1m": _f(c_cas),
            "savings_ratio": _f(econ.savings_ratio(ch, c_cas)), "cheaper_than_premium": bool(c_cas < ch),
            "expected_quality": None,
        }
        if args.cheap_quality is not None and args.premium_quality is not None:
            cas["expected_quality"] = _f(econ.cascade_expected_quality(p, args.cheap_quality, args.premium_quality))
        doc["cascade"] = cas
        doc["router"] = {
            "strong_share": f, "expected_cost_per_1m": _f(c_rou),
            "savings_ratio": _f(econ.savings_ratio(ch, c_rou)), "cheaper_than_premium": bool(c_rou < ch),
        }
    if args.calibration is not None:
        from workbench.io.calibration import read_calibration_csv

        data = read_calibration_csv(args.calibration)
        if data.premium_correct is None and args.premium_quality is None:
            raise CliError("--premium-quality is required unless the calibration file has a premium_correct column")
        sweep = econ.cascade_threshold_sweep(
            data.confidence, data.correct.astype(float), cheap_cost=cl, premium_cost=ch, judge_cost=cj,
            premium_quality=args.premium_quality,
            premium_correct=None if data.premium_correct is None else data.premium_correct.astype(float),
        )
        doc["sweep"] = {
            "n_items": sweep.n_items, "tau": sweep.tau.tolist(), "escalation_rate": sweep.escalation_rate.tolist(),
            "expected_cost_per_1m": sweep.expected_cost.tolist(), "expected_quality": sweep.expected_quality.tolist(),
            "premium_direct_quality": sweep.premium_direct_quality,
        }
        if args.target_quality is not None:
            best = econ.best_threshold(sweep, args.target_quality)
            doc["best_threshold"] = None if best is None else {
                "tau": best.tau, "escalation_rate": best.escalation_rate, "expected_cost_per_1m": best.expected_cost,
                "expected_quality": best.expected_quality, "cheaper_than_premium": best.cheaper_than_premium,
                "explanation": best.explanation,
            }
    if args.json:
        print_json(doc)
    else:
        if doc["cascade"]:
            print(f"cascade E[C] = {doc['cascade']['expected_cost_per_1m']:.4f} per 1M "
                  f"({doc['cascade']['savings_ratio']:.2f}x cheaper than premium-direct)")
            print(f"router  E[C] = {doc['router']['expected_cost_per_1m']:.4f} per 1M "
                  f"({doc['router']['savings_ratio']:.2f}x)")
        print(f"cascade break-even escalation rate: {doc['break_even_escalation_rate']:.4f}. "
              + doc["cascade_break_even_sentence"])
        print(doc["router_break_even_sentence"])
        if doc["best_threshold"]:
            print(doc["best_threshold"]["explanation"])
        elif args.target_quality is not None and args.calibration is not None:
            print(f"no threshold reaches target quality {args.target_quality}")
    return 0


# --------------------------------------------------------------------------- rag


def _rag(args: argparse.Namespace) -> int:
    _require(args, "corpus_tokens", "input_per_1m")
    r = econ.rag_vs_stuffing(
        corpus_tokens=args.corpus_tokens, input_per_mtok=args.input_per_1m, top_k=args.top_k,
        chunk_tokens=args.chunk_tokens, question_tokens=args.question_tokens, output_tokens=args.output_tokens,
        output_per_mtok=args.output_per_1m, embed_per_mtok=args.embed_per_1m,
        search_cost_per_query_usd=args.search_cost_per_query, overlap_tokens=args.overlap_tokens,
        monthly_fixed_usd=args.monthly_fixed_usd, amortisation_months=args.amortisation_months,
        queries_per_month=args.queries_per_month, cached_share=args.cached_share,
        cached_input_per_mtok=args.cached_input_per_1m,
    )
    doc: dict[str, Any] = {
        "currency": "USD",
        "stuffing_per_query_usd": r.stuffing_per_query_usd,
        "rag_per_query_usd": r.rag_per_query_usd,
        "index_chunks": r.index_chunks,
        "index_cost_usd": r.index_cost_usd,
        "monthly_fixed_usd": r.monthly_fixed_usd,
        "break_even_queries": _f(r.break_even_queries),
        "break_even_queries_per_month": _f(r.break_even_queries_per_month),
        "queries_per_month": r.queries_per_month,
        "stuffing_monthly_usd": r.stuffing_monthly_usd,
        "rag_monthly_usd": r.rag_monthly_usd,
        "explanation": r.explanation,
        "notes": r.notes,
    }
    if args.json:
        print_json(doc)
    else:
        print(f"stuffing: {usd_per_request(r.stuffing_per_query_usd)} per query")
        print(f"RAG:      {usd_per_request(r.rag_per_query_usd)} per query")
        print(r.explanation)
    return 0


# --------------------------------------------------------------------------- registration


#: Domain parameter names -> the flags that feed them, so error messages name what the user typed.
_FLAG_OF = {
    "input_per_mtok": "--input-per-1m", "output_per_mtok": "--output-per-1m",
    "cached_input_per_mtok": "--cached-input-per-1m", "reasoning_per_mtok": "--reasoning-per-1m",
    "embed_per_mtok": "--embed-per-1m", "cheap_cost": "--cheap-cost-per-1m", "premium_cost": "--premium-cost-per-1m",
    "judge_cost": "--judge-cost-per-1m", "router_cost": "--router-cost-per-1m", "strong_share": "--strong-share",
    "cheap_quality_accepted": "--cheap-quality", "premium_quality_escalated": "--premium-quality",
    "human_review_cost_usd": "--human-review-cost", "search_cost_per_query_usd": "--search-cost-per-query",
    "api_cost_per_request_usd": "--api-cost-per-request", "capacity_requests_per_month": "--capacity-requests-per-month",
    "tokenizer_multiplier": "--chars-per-token",
}


def _flag_names(message: str) -> str:
    head, sep, rest = message.partition(" ")
    if head in _FLAG_OF:
        return f"{_FLAG_OF[head]}{sep}{rest}"
    if head.isidentifier() and "_" in head:
        return f"--{head.replace('_', '-')}{sep}{rest}"
    return message


def _wrap(func: Any) -> Any:
    def handler(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except CliError:
            raise
        except ValueError as exc:  # EconomicsInputError, CalibrationFormatError
            raise CliError(_flag_names(str(exc))) from exc

    return handler


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "economics", help="cost per success, crossovers, cascade/router and RAG economics",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    eco = parser.add_subparsers(dest="economics_command", metavar="SUBCOMMAND")

    def _help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(handler=_help)

    # cost
    p = eco.add_parser("cost", help="cost per call, per successful outcome and per month from explicit prices")
    p.add_argument("--input-per-1m", type=float, help="USD per 1M input tokens (required)")
    p.add_argument("--output-per-1m", type=float, help="USD per 1M output tokens (required)")
    p.add_argument("--cached-input-per-1m", type=float, help="USD per 1M cached input tokens (default: no discount)")
    p.add_argument("--reasoning-per-1m", type=float, help="USD per 1M reasoning tokens (default: output price)")
    p.add_argument("--input-tokens", type=float, default=_W.input_tokens, help="prompt tokens per call")
    p.add_argument("--output-tokens", type=float, default=_W.output_tokens, help="visible output tokens per call")
    p.add_argument("--reasoning-tokens", type=float, default=0.0, help="extra reasoning tokens per call")
    p.add_argument("--cached-share", type=float, default=_W.cached_share, help="cached share of the prompt, 0..1")
    p.add_argument("--effort-multiplier", type=float, default=1.0,
                   help="effort tier's token multiplier on generated tokens (beyond 1 = reasoning tokens)")
    p.add_argument("--chars-per-token", type=float, help="the model's tokenizer compression")
    p.add_argument("--reference-chars-per-token", type=float, default=econ.DEFAULT_REFERENCE_CHARS_PER_TOKEN,
                   help="tokenizer the token counts were measured with (default 4.0)")
    p.add_argument("--long-context-tier", type=_tier, action="append", metavar="ABOVE:IN[:OUT[:CACHED]]",
                   help="prices (USD/1M) once the prompt exceeds ABOVE tokens; repeatable")
    p.add_argument("--valid-output-rate", type=float, default=_W.valid_output_rate, help="valid outputs per attempt, 0..1")
    p.add_argument("--max-retries", type=int, default=_W.max_retries, help="retries after an invalid output")
    p.add_argument("--human-review-cost", type=float, default=_W.human_review_cost_usd, help="USD per reviewed request")
    p.add_argument("--human-review-rate", type=float, default=_W.human_review_rate, help="share of requests reviewed, 0..1")
    p.add_argument("--requests-per-month", type=int, default=_W.requests_per_month)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=_wrap(_cost))

    # crossover
    p = eco.add_parser("crossover", help="cheapest option per success by required quality; self-host vs API volume")
    p.add_argument("--option", type=_option, action="append", metavar="LABEL,COST_PER_CALL_USD,QUALITY",
                   help="a model/effort option; repeatable (cost per success = cost per call / quality)")
    p.add_argument("--api-cost-per-request", type=float, help="USD per request on the API")
    p.add_argument("--gpu-hourly-usd", type=float, help="USD per GPU-hour when self-hosting")
    p.add_argument("--gpus", type=int, default=1, help="GPUs per replica")
    p.add_argument("--hours-per-month", type=float, default=econ.HOURS_PER_MONTH)
    p.add_argument("--capacity-requests-per-month", type=float, help="requests one replica serves per month")
    p.add_argument("--fixed-monthly-usd", type=float, default=0.0, help="other fixed USD per replica-month")
    p.add_argument("--max-volume", type=float, help="largest monthly volume considered (default 2x break-even)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_wrap(_crossover))

    # cascade
    p = eco.add_parser("cascade", help="cascade vs router vs premium-direct; threshold sweep from calibration data")
    p.add_argument("--cheap-cost-per-1m", type=float, help="cheap model L, USD per 1M tokens (required)")
    p.add_argument("--premium-cost-per-1m", type=float, help="premium model H, USD per 1M tokens (required)")
    p.add_argument("--escalation-rate", type=float, help="P(escalate) of the cascade, 0..1")
    p.add_argument("--strong-share", type=float, help="router's share sent to H (default: the escalation rate)")
    p.add_argument("--judge-cost-per-1m", type=float, default=0.0, help="scorer/judge cost paid on every query")
    p.add_argument("--router-cost-per-1m", type=float, default=0.0, help="pre-generation router cost per query")
    p.add_argument("--cheap-quality", type=float, help="quality of L's accepted answers, 0..1")
    p.add_argument("--premium-quality", type=float, help="quality of H, 0..1")
    p.add_argument("--calibration", help="CSV with confidence,correct[,item_id,premium_correct] per item")
    p.add_argument("--target-quality", type=float, help="pick the cheapest tau reaching this quality")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_wrap(_cascade))

    # rag
    p = eco.add_parser("rag", help="context stuffing vs RAG per query and the break-even volume")
    p.add_argument("--corpus-tokens", type=float, help="tokens in the corpus (required)")
    p.add_argument("--input-per-1m", type=float, help="generation model USD per 1M input tokens (required)")
    p.add_argument("--top-k", type=float, default=5.0, help="chunks retrieved per query")
    p.add_argument("--chunk-tokens", type=float, default=512.0)
    p.add_argument("--overlap-tokens", type=float, default=0.0)
    p.add_argument("--question-tokens", type=float, default=0.0)
    p.add_argument("--output-tokens", type=float, default=0.0)
    p.add_argument("--output-per-1m", type=float, default=0.0)
    p.add_argument("--embed-per-1m", type=float, default=0.0, help="embedding model USD per 1M tokens")
    p.add_argument("--search-cost-per-query", type=float, default=0.0, help="USD per vector search")
    p.add_argument("--monthly-fixed-usd", type=float, default=0.0, help="vector store etc., USD per month")
    p.add_argument("--amortisation-months", type=float, default=12.0, help="months to amortise the index over")
    p.add_argument("--queries-per-month", type=float, default=0.0)
    p.add_argument("--cached-share", type=float, default=0.0, help="cached share of the stuffed corpus, 0..1")
    p.add_argument("--cached-input-per-1m", type=float, help="USD per 1M cached input tokens")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_wrap(_rag))
