"""`workbench import evidence` and `workbench evidence compare`: evaluation results per profile.

Commands and their ``--json`` documents:

* ``workbench import evidence FILE --profile NAME [--format promptfoo|lm-eval|inspect|openai-evals|helm|csv]
  [--candidate NAME | --candidate SOURCE=NAME ...] [--metric-kind KIND] [--model SOURCE] [--samples FILE ...]
  [--scorer NAME]
  [--on-duplicate replace|skip] [--json]``

  Source model names map to catalog candidates by exact / normalised name ("openai/GPT-5.4" ->
  "GPT-5.4"); ``--candidate NAME`` maps a single-model file, ``--candidate SOURCE=NAME`` (repeatable)
  maps one source model. Unknown names exit 2 listing them; nothing is imported. A file already imported
  for the profile (same SHA-256) exits 2 unless ``--on-duplicate`` says replace or skip. ->
  ``{"action": "imported"|"replaced"|"skipped", "file", "sha256", "format", "profile", "replaced": int,
  "runs": [{"id", "candidate", "source_model", "source_format", "source_file", "sha256", "metric_kind",
  "metric_name", "task", "benchmark", "n", "passed", "pass_rate", "mean_score", "items", "imported_at",
  "imported_by"}],
  "warnings": [str]}``

* ``workbench evidence compare --profile NAME --a X --b Y [--method wilson|clopper-pearson]
  [--metric-kind KIND] [--alpha 0.05] [--json]`` -> paired comparison on the same items (exact McNemar
  for pass/fail, paired bootstrap for scores): ``{"profile", "method", "metric_kind", "task",
  "a": {"candidate", "run_id", "source_model", "source_file", "sha256", "rate", "interval": [lo, hi]},
  "b": {...}, "test": "mcnemar-exact"|"paired-bootstrap", "n_paired", "only_in_a", "only_in_b",
  "both_pass", "a_only", "b_only", "neither", "difference", "difference_interval", "p_value", "alpha",
  "significant", "verdict", "flags": [str]}``. Rates and intervals are proportions in [0, 1].

* ``workbench evidence list --profile NAME [--candidate NAME] [--json]`` -> ``{"profile", "runs": [...]}``
  (run objects as above).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli import CliError, evidence_plan
from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.cli.catalog import cli_actor
from workbench.domain.evidence import EvidenceError, EvidenceFormat, MetricKind, match_source_models
from workbench.io.evidence import EvidenceImportError, ImportResult, import_evidence
from workbench.store import evidence as store
from workbench.store.repository import NotFoundError
from workbench.store.workspace import list_candidates, profile_by_name

FORMATS = [f.value for f in EvidenceFormat]
KINDS = [k.value for k in MetricKind]


def _profile_id(name: str) -> int:
    try:
        return profile_by_name(engine(), name).id
    except NotFoundError as exc:
        raise CliError(str(exc)) from exc


def resolve_mapping(result: ImportResult, catalog: list[str], candidate_args: list[str]) -> dict[str, str]:
    """Source model -> catalog candidate, from ``--candidate`` values and name matching; CliError if any is unknown."""
    sources = result.source_models
    known = set(catalog)
    mapping: dict[str, str | None] = dict(match_source_models(sources, catalog))
    for value in candidate_args:
        if value in known:
            if len(sources) != 1:
                raise CliError(
                    f"{result.file} has {len(sources)} source models ({', '.join(sources)}): a plain --candidate "
                    "maps single-model files only; use --candidate SOURCE=NAME for each")
            mapping[sources[0]] = value
            continue
        source, sep, target = value.partition("=")
        if not sep:
            raise CliError(f"--candidate {value!r}: no catalog candidate has that name "
                           f"(see `workbench catalog list`)")
        if source not in mapping:
            raise CliError(f"--candidate {value!r}: {result.file} has no source model {source!r} "
                           f"(it has: {', '.join(sources)})")
        if target not in known:
            raise CliError(f"--candidate {value!r}: no catalog candidate named {target!r} "
                           f"(see `workbench catalog list`)")
        mapping[source] = target
    unknown = sorted(s for s, c in mapping.items() if c is None)
    if unknown:
        raise CliError(
            f"{result.file}: source model name(s) match no catalog candidate: {', '.join(unknown)}. "
            "Map each with --candidate SOURCE=NAME (or --candidate NAME for a single-model file), "
            "or add the candidate first; nothing was imported")
    return {s: c for s, c in mapping.items() if c is not None}


def _import(args: argparse.Namespace) -> int:
    profile_id = _profile_id(args.profile)
    try:
        result = import_evidence(Path(args.file), args.format, metric_kind=args.metric_kind, model=args.model,
                                 samples=args.samples or [], scorer=args.scorer)
    except EvidenceImportError as exc:
        raise CliError(str(exc)) from exc
    db = engine()
    mapping = resolve_mapping(result, [r.model.name for r in list_candidates(db)], args.candidate or [])
    try:
        outcome = store.import_runs(db, profile_id, result, mapping, cli_actor(),
                                    on_duplicate=args.on_duplicate or "ask")
    except store.DuplicateImportError as exc:
        raise CliError(f"{exc} Pass --on-duplicate replace or --on-duplicate skip.") from exc
    except (store.EvidenceStoreError, NotFoundError) as exc:
        raise CliError(str(exc)) from exc
    doc = {**outcome.as_json(), "format": result.format.value, "warnings": result.warnings}
    if args.json:
        print_json(doc)
        return 0
    verb = {"imported": "imported", "replaced": "replaced", "skipped": "skipped (already imported)"}
    print(f"{verb[outcome.action]}: {len(outcome.runs)} run(s) from {outcome.file} "
          f"(SHA-256 {outcome.sha256[:12]}, {result.format.value}) into profile {outcome.profile}")
    for run in doc["runs"]:
        rate = f"{run['pass_rate']:.1%}" if run["pass_rate"] is not None else "no pass rate"
        n = run["n"] if run["n"] is not None else "?"
        what = " ".join(x for x in (run["metric_kind"], run["task"]) if x)
        print(f"  {run['source_model']} -> {run['candidate']}: {what}, n = {n}, {rate}")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    if not 0.0 < args.alpha < 1.0:
        raise CliError(f"--alpha must be between 0 and 1, got {args.alpha}")
    profile_id = _profile_id(args.profile)
    try:
        outcome = store.compare_candidates(engine(), profile_id, args.a, args.b, method=args.method,
                                           metric_kind=args.metric_kind, alpha=args.alpha)
    except EvidenceError as exc:
        raise CliError(str(exc)) from exc
    doc = {"profile": args.profile, **outcome.as_json()}
    if args.json:
        print_json(doc)
        return 0
    label = {"wilson": "Wilson", "clopper-pearson": "Clopper-Pearson"}[args.method]
    for side in ("a", "b"):
        s = doc[side]
        lo, hi = s["interval"]
        print(f"{s['candidate']:28} {s['rate']:.1%}  {1 - args.alpha:.0%} {label} [{lo:.1%}, {hi:.1%}]  "
              f"({s['source_file']}, {s['sha256'][:12]})")
    if doc["test"] == "mcnemar-exact":
        print(f"exact McNemar: only {doc['a']['candidate']} passed {doc['a_only']}, only {doc['b']['candidate']} "
              f"passed {doc['b_only']} of {doc['n_paired']} paired items; p = {doc['p_value']:.3g}")
    else:
        print(f"paired bootstrap: mean difference {doc['difference']:.4f}, p = {doc['p_value']:.3g}")
    print(f"verdict: {doc['verdict']}")
    for flag in doc["flags"]:
        print(f"  note: {flag}")
    return 0


def _list(args: argparse.Namespace) -> int:
    profile_id = _profile_id(args.profile)
    runs = [store.run_summary(s) for s in store.list_runs(engine(), profile_id, args.candidate)]
    if args.json:
        print_json({"profile": args.profile, "runs": runs})
        return 0
    if not runs:
        print(f"no evidence for profile {args.profile} yet: `workbench import evidence FILE --profile ...`")
    for r in runs:
        rate = f"{r['pass_rate']:.1%}" if r["pass_rate"] is not None else "-"
        print(f"#{r['id']:<5} {r['candidate']:28} {r['metric_kind']:22} n = {r['n'] if r['n'] is not None else '?':>5} "
              f"{rate:>7}  {r['source_file']} ({r['sha256'][:12]}) by {r['imported_by']}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    isub = command_group(sub, "import", "import candidates, prices, architectures, evidence")
    p = isub.add_parser("evidence", help="import evaluation results (promptfoo, lm-eval, inspect, OpenAI evals, "
                                         "HELM, CSV) into a profile")
    p.add_argument("file", help="results file (or a HELM run directory)")
    p.add_argument("--format", choices=FORMATS, default=None, help="source format (default: detected from content)")
    p.add_argument("--profile", required=True, help="requirement profile the evidence belongs to")
    p.add_argument("--candidate", action="append", metavar="NAME|SOURCE=NAME",
                   help="catalog candidate for a single-model file, or SOURCE=NAME per source model (repeatable)")
    p.add_argument("--metric-kind", choices=KINDS, default=None,
                   help="what the runs measure (default: golden_set_accuracy; public_benchmark for lm-eval/HELM)")
    p.add_argument("--model", default=None, help="source model name where the file has none (HELM stats.json)")
    p.add_argument("--samples", action="append", metavar="FILE",
                   help="lm-eval samples_<task>_<date>.jsonl or HELM per_instance_stats.json (repeatable)")
    p.add_argument("--scorer", default=None,
                   help="inspect_ai log with several scorers: the scorer to import (default: the log's first)")
    p.add_argument("--on-duplicate", choices=["replace", "skip"], default=None,
                   help="when this file (same SHA-256) was imported before for the profile")
    p.add_argument("--json", action="store_true", help="print one JSON document (shape in the module docstring)")
    p.set_defaults(handler=_import)

    ev = sub.add_parser("evidence", help="evaluation evidence: list runs, compare two candidates")
    esub = ev.add_subparsers(dest="evidence_cmd", required=True, metavar="SUBCOMMAND")
    c = esub.add_parser("compare", help="paired comparison of two candidates on the same items")
    c.add_argument("--profile", required=True)
    c.add_argument("--a", required=True, metavar="CANDIDATE")
    c.add_argument("--b", required=True, metavar="CANDIDATE")
    c.add_argument("--method", choices=["wilson", "clopper-pearson"], default="wilson", help="interval method")
    c.add_argument("--metric-kind", choices=KINDS, default=None, help="compare runs of this kind only")
    c.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_compare)
    ls = esub.add_parser("list", help="runs imported for a profile")
    ls.add_argument("--profile", required=True)
    ls.add_argument("--candidate", default=None)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_list)
    evidence_plan.register(esub)
