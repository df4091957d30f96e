"""HELM `stats.json`, `per_instance_stats.json` and run directories."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind
from workbench.io.evidence._common import (
    BINARY_METRICS,
    HEADLINE_METRICS,
    EvidenceImportError,
    _build_run,
    _check_unique,
    _item,
    _list,
    _num,
)

# --------------------------------------------------------------------------- HELM


def _helm_stat_key(stat: dict[str, Any]) -> str:
    return json.dumps(stat.get("name"), sort_keys=True)


def _scenario_of(run_name: str) -> str:
    """HELM run names are ``<scenario>:<arg>=<v>,...``: the scenario is the part before the colon."""
    return run_name.split(":", 1)[0].strip()


def _helm_model(path: Path | None, model: str | None) -> tuple[str, str, list[str]]:
    """(source model, scenario, warnings) from ``--model``, ``run_spec.json`` or the run directory's name.

    A ``stats.json`` outside a run directory has neither: the model must be passed, the scenario stays empty.
    """
    name, scenario = model or "", ""
    if path is not None:
        folder = path if path.is_dir() else path.parent
        spec = folder / "run_spec.json"
        if spec.is_file():
            try:
                rs = json.loads(spec.read_text(encoding="utf-8"))
                adapter = rs.get("adapter_spec") or {}
                m = adapter.get("model") or adapter.get("model_deployment")
                name = name or (m if isinstance(m, str) else "")
                if isinstance(rs.get("name"), str):
                    scenario = _scenario_of(rs["name"])
                cls = (rs.get("scenario_spec") or {}).get("class_name")
                if not scenario and isinstance(cls, str):
                    scenario = cls.rsplit(".", 1)[-1]
            except (json.JSONDecodeError, OSError, AttributeError):
                pass
        if ":" in folder.name and "=" in folder.name:
            scenario = scenario or _scenario_of(folder.name)
            found = re.search(r"model=([^,]+)", folder.name)
            if found and not name:
                name = found.group(1).replace("_", "/", 1)
    warnings = []
    if not name:
        warnings.append("HELM stats.json carries no model name: pass the model (or a run directory with "
                        "run_spec.json) and map it to a candidate")
    if not scenario:
        warnings.append("no HELM scenario name (stats.json outside its run directory): the task is left empty")
    return name or "unknown", scenario, warnings


def _check_stat(st: Any, file: str, loc: str) -> None:
    if not isinstance(st, dict) or not isinstance(st.get("name"), dict) or "name" not in st["name"]:
        raise EvidenceImportError(file, "expected a Stat with a name object", location=loc, field="name")
    if not isinstance(st["name"]["name"], str) or not isinstance(st["name"].get("split") or "", str):
        raise EvidenceImportError(file, f"expected text in name.name/name.split, got {st['name']!r}",
                                  location=loc, field="name.name")
    if not isinstance(st.get("count"), int) or isinstance(st.get("count"), bool):
        raise EvidenceImportError(file, f"expected an integer, got {st.get('count')!r}", location=loc, field="count")
    if st["count"] > 0:
        _num(st.get("mean"), file, loc, "mean", allow_none=False)


def _plain_stats(stats: Any, file: str) -> tuple[str, dict[str, dict[str, dict[str, Any]]]]:
    """(split to use, split -> unperturbed stat name -> Stat with count > 0), every Stat checked."""
    if not isinstance(stats, list) or not stats:
        raise EvidenceImportError(file, "not a HELM stats.json (expected a non-empty list of Stat)")
    seen: dict[str, str] = {}
    plain: dict[str, dict[str, dict[str, Any]]] = {}
    for i, st in enumerate(stats):
        loc = f"[{i}]"
        _check_stat(st, file, loc)
        key = _helm_stat_key(st)
        if key in seen:
            raise EvidenceImportError(file, f"duplicate stat {st['name']} (first at {seen[key]})", location=loc,
                                      field="name")
        seen[key] = loc
        nm = st["name"]
        if set(nm) <= {"name", "split"} and st["count"] > 0:
            plain.setdefault(nm.get("split") or "", {})[nm["name"]] = st
    split = "test" if "test" in plain else ("valid" if "valid" in plain else next(iter(plain), None))
    if split is None:
        raise EvidenceImportError(file, "no unperturbed stat with count > 0", field="name")
    return split, plain


def _parse_helm_stats(
    stats: Any, file: str, kind: MetricKind, meta: dict[str, Any], model: str, per_instance: tuple[str, Any] | None,
    scenario: str = "",
) -> tuple[list[EvaluationRun], list[str]]:
    """One run from HELM's Stat list.

    HELM's ``count`` counts train trials (one per trial), not instances: n comes from the ``num_instances``
    stat's mean, or from the distinct instance ids of ``per_instance_stats.json`` (trials reduced to the mean
    per instance, never multiplied); the task is the scenario, not the split.
    """
    split, plain = _plain_stats(stats, file)
    chosen = plain[split]
    head = next((h for h in HEADLINE_METRICS if h in chosen), None)
    extra = {name: float(st["mean"]) for name, st in chosen.items()}
    warnings = []
    if head is None:
        warnings.append("no accuracy-type stat (exact_match, f1_score, ...) in the file: only run statistics "
                        "were imported; the run carries no pass rate")
    value = float(chosen[head]["mean"]) if head else None
    instances = chosen.get("num_instances")
    n_rep = round(float(instances["mean"])) if instances is not None and head else None
    binary = head in BINARY_METRICS if head else False
    items: list[ItemResult] = []
    trials = 1
    if per_instance is not None:
        items, trials = _helm_items(per_instance[0], per_instance[1], head, split)
    if n_rep is None and head and not items:
        warnings.append("no num_instances stat and no per-instance stats: n is unknown (HELM's count is the "
                        "number of train trials, not of instances)")
    run = _build_run(
        file, **meta, source_format=EvidenceFormat.helm, source_model=model, task=scenario,
        metric_kind=kind, metric_name=head or "", items=items, n_reported=n_rep,
        n_source="items" if items else ("reported" if n_rep else "unknown"),
        aggregate_pass_rate=value if binary and value is not None and 0 <= value <= 1 else None,
        aggregate_score=value, extra_metrics=extra,
        notes=[f"HELM split {split!r}; variance is the population variance"]
        + ([f"{trials} train trials reduced to one value per instance (mean)"] if trials > 1 else []),
    )
    if "inference_runtime" in chosen:
        run.notes.append(f"mean inference_runtime {float(chosen['inference_runtime']['mean']) * 1000:.3g} ms")
    return [run], warnings


def _helm_items(file: str, rows: Any, head: str | None, split: str) -> tuple[list[ItemResult], int]:
    """One item per instance (the mean over its train trials) and the number of trials seen."""
    if not isinstance(rows, list):
        raise EvidenceImportError(file, "not a HELM per_instance_stats.json (expected a list)")
    if head is None:
        return [], 1
    keyed = []
    by_instance: dict[str, list[tuple[str, float]]] = {}
    for i, row in enumerate(rows):
        loc = f"[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("instance_id"), str | int):
            raise EvidenceImportError(file, "missing instance_id", location=loc, field="instance_id")
        trial = row.get("train_trial_index", 0)
        if isinstance(trial, bool) or not isinstance(trial, int):
            raise EvidenceImportError(file, f"expected an integer, got {trial!r}", location=loc,
                                      field="train_trial_index")
        stats = _list(row, "stats")
        st = next((s for s in stats if isinstance(s, dict) and s.get("name") == {"name": head, "split": split}), None)
        if st is None:
            continue
        val = _num(st.get("mean"), file, loc, f"stats[{head}].mean", allow_none=False)
        assert val is not None
        keyed.append((loc, (str(row["instance_id"]), trial)))
        by_instance.setdefault(str(row["instance_id"]), []).append((loc, val))
    _check_unique(keyed, file, "instance_id")
    items = []
    for iid, values in by_instance.items():
        mean = sum(v for _, v in values) / len(values)
        passed = bool(mean) if head in BINARY_METRICS and mean in (0.0, 1.0) else None
        items.append(_item(file, values[0][0], item_id=iid, passed=passed, score=mean))
    return items, max((len(v) for v in by_instance.values()), default=1)
