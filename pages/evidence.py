"""Evidence: import evaluation results per profile; pass rates with intervals, paired tests, targets, linter."""

from __future__ import annotations

import streamlit as st

from workbench.ui import evidence as ui
from workbench.ui.page import no_profile_yet, page_header

engine, actor = page_header(
    "Evidence",
    "Measured results from your own evaluation harness, per requirement profile: pass rates with "
    "intervals, paired comparisons on the same items, the seed's production targets, and the anti-pattern "
    'linter.',
)

profile = ui.choose_profile(engine)
if profile is None:
    no_profile_yet("Evidence belongs to a profile: create one first.")

runs = ui.stored_runs(engine, profile.id)
results, importing, listing, linter = st.tabs([
    "Results", "Import", f"Imported runs ({len(runs)})", "Decision linter"])
with results:
    ui.results_panel(engine, profile, runs)
with importing:
    ui.import_panel(engine, profile, actor)
with listing:
    ui.runs_panel(engine, runs, actor)
with linter:
    st.caption("Checks the draft decision against seed 002's selection anti-patterns. Each finding names the rule, "
               "what triggered it and the fix.")
    ui.linter_panel(engine, profile, runs)
