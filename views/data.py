"""Data: every observation in a filterable table; uploads with preview; revision history and revert."""

import datetime as dt
import hashlib
import math

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from indicators import export
from indicators.access import ATTEMPTS, editor_access, may_edit
from indicators.bounded import BudgetExceeded, run_bounded
from indicators.changes import apply_upload_at, changed_frame, preview_upload, revision_diff
from indicators.csvfile import MAX_ROWS
from indicators.imports.upload import ASKS_RETRIEVED, apply_import_at, downloads_in, error_rows, preview_import
from indicators.schema import TABLES, describe_columns
from indicators.store import ChangeRefused, StoreError
from indicators.summaries import filter_observations, md, observations_table
from views._shell import CAPTION, head_state, literal, secrets, store, show_table

SHOWN_ROWS = 1_000  # rows of a diff laid out in the page; the counts above say how many there are


def show_rows(diff) -> None:
    """The rows behind a diff's counts: added rows, changed cells, removed ids."""
    if diff.added_count:
        show_table(diff.added_head(SHOWN_ROWS), hide_index=True)
        if diff.added_count > SHOWN_ROWS:
            st.caption(f"The first {SHOWN_ROWS:,} of {diff.added_count:,} added rows.")
    if diff.changed:
        show_table(changed_frame(diff).head(SHOWN_ROWS), hide_index=True)
    if diff.removed:
        shown = diff.removed[:SHOWN_ROWS]
        more = f" … and {len(diff.removed) - len(shown):,} more" if len(diff.removed) > len(shown) else ""
        literal("<p>Removed ids: {}{}</p>", ", ".join(shown), more)


@st.cache_resource(show_spinner="Checking the upload…", max_entries=16)
def planned(url: str, revision_id: int, uploads: tuple, mode: str):
    """One validation and flag comparison per upload, not one per keystroke in the message box.

    It runs in a worker process under a time and memory budget, so a hostile upload cannot
    hold the server; past the budget BudgetExceeded (not cached) says so.
    """
    return run_bounded(preview_upload, store().files(revision_id), list(uploads), mode, what="Checking the upload")


@st.cache_resource(show_spinner="Reading the download…", max_entries=8)
def planned_import(url: str, revision_id: int, uploads: tuple, retrieved: str | None):
    """A reference download (DOTS workbook, SIPRI register) imported and planned in the worker, like an upload."""
    return run_bounded(preview_import, store().files(revision_id), list(uploads), retrieved, what="Reading the download")


@st.cache_resource(show_spinner=False, max_entries=4)
def revision_zip(url: str, revision_id: int) -> bytes:
    """A revision's zip, made while the page runs (so a database that is away is said on the page, and a
    download after it went away still works) and once per revision: revisions never change."""
    return store().zip(revision_id)


def observations_tab(state) -> None:
    """Every figure in a filterable table, and the columns of each CSV."""
    table = observations_table(state.dataset, state.result)
    c1, c2, c3 = st.columns(3)
    indicators = c1.multiselect("Indicator", sorted(table["indicator"].unique()))
    entities = c2.multiselect("Entity", sorted(table["entity"].unique()))
    sources = c3.multiselect("Who says it", sorted(table["who"].unique()))
    text = st.text_input("Search quotes, notes and names")
    shown = filter_observations(table, indicators, entities, sources, text)
    st.write(f"{len(shown)} of {len(table)} figures")
    show_table(shown, hide_index=True)
    st.download_button("Download these rows (CSV)", data=export.to_csv_bytes(shown), file_name="observations-filtered.csv",
                       mime="text/csv", key="dl-filtered", on_click="ignore")
    with st.expander("The columns of each CSV (from the validation models)"):
        for name, model in TABLES.items():
            st.markdown(f"**{name}.csv**")
            st.dataframe(describe_columns(model), hide_index=True)


state, head_errors, head_label = head_state()
st.title("Data")
tab_table, tab_upload, tab_history = st.tabs(["Observations", "Upload", "History"])

# --------------------------------------------------------------------------- the table
with tab_table:
    if state is None:
        st.error(f"The active dataset ({md(head_label)}) is invalid: {len(head_errors)} error(s). "
                 "Revert to an earlier revision in the History tab, or upload a correction.")
        show_table(pd.DataFrame([e.as_dict() for e in head_errors]), hide_index=True)
    else:
        observations_tab(state)

# --------------------------------------------------------------------------- who may write
def editor_may_apply(access) -> tuple[bool, str]:
    """The sidebar's key checked once per value entered (a rerun does not count again); wrong keys slow
    down per session and per client (IP) and are logged (indicators.access.KeyAttempts)."""
    given = st.sidebar.text_input("Editor key", type="password", key="editor-key",
                                  help="Editors can upload and revert; everyone can look and download.")
    if not given:
        return False, "View only: enter the editor key in the sidebar to upload or revert."
    ctx = get_script_run_ctx()
    ip = st.context.ip_address
    who = (f"session {ctx.session_id if ctx else '-'}", f"client {ip if isinstance(ip, str) and ip else 'local'}")
    checked = st.session_state.get("editor-key-checked")
    fingerprint = hashlib.sha256(given.encode()).hexdigest()
    if checked is None or checked[0] != fingerprint:
        wait = ATTEMPTS.wait_s(*who)
        if wait > 0:
            return False, f"Too many wrong editor keys: try again in {math.ceil(wait)} s (nothing was checked)."
        ok = may_edit(given, access.key)
        ATTEMPTS.succeeded(*who) if ok else ATTEMPTS.failed(*who)
        st.session_state["editor-key-checked"] = checked = (fingerprint, ok)
    if checked[1]:
        return True, "Editor mode."
    return False, "Wrong editor key: view only. Wrong keys in a row make the next try wait longer."


access = editor_access(secrets())
if access.mode == "open":
    can_edit, mode_note = True, access.note
elif access.mode == "key":
    can_edit, mode_note = editor_may_apply(access)
else:
    can_edit, mode_note = False, access.note

# --------------------------------------------------------------------------- upload
with tab_upload:
    st.caption(mode_note)
    st.markdown(
        f"Upload one or several of `observations.csv`, `sources.csv`, `indicators.csv`, `flags.csv`, `events.csv`, "
        "`series.csv`, `links.csv` "
        f"(UTF-8, comma-separated, the header of the file; at most {MAX_ROWS:,} rows and the server's upload size). "
        "The kind of each file is recognised from its header. Nothing is applied until you have seen the preview."
    )
    st.markdown(
        "Or upload a newer **reference download**: an IMF DOTS workbook (`.xlsx`, one per reporter), SIPRI's "
        "trade-register CSV, Wind exports of China Customs statistics (several at once are one import) or ICSR's "
        "estimates of foreign fighters. It is imported as `python -m indicators import` does: only the rows of the sources it "
        "holds are replaced in `series.csv` (their indicators and source rows added or updated)."
    )
    nonce = st.session_state.setdefault("upload-nonce", 0)
    files = st.file_uploader("CSV files or reference downloads", type=["csv", "xlsx"], accept_multiple_files=True,
                             key=f"uploader-{nonce}", disabled=not can_edit)
    uploads = [(f.name, f.getvalue()) for f in files or []]
    downloads = downloads_in(uploads)
    retrieved = None
    if downloads:
        mode = "replace"
        if set(ASKS_RETRIEVED) & set(downloads.values()):
            retrieved = st.date_input("Retrieved on", value=dt.date.today(), max_value=dt.date.today(),
                                      disabled=not can_edit,
                                      help="The day the DOTS workbook or ICSR's estimates were downloaded: the files "
                                           "do not say.")
            retrieved = retrieved.isoformat() if retrieved else None
    else:
        mode = st.radio("Mode", ["merge", "replace"], horizontal=True, disabled=not can_edit,
                        captions=["add new ids, update existing ones", "the upload becomes the whole table"])
    if uploads:
        preview = None
        try:
            if downloads:
                preview = planned_import(store().url, store().head().id, tuple(uploads), retrieved)
                plan = preview.plan
            else:
                plan = planned(store().url, store().head().id, tuple(uploads), mode)
        except BudgetExceeded as exc:
            plan = None
            st.error(md(str(exc)))
        if plan is None:
            pass
        elif not plan.ok:
            st.error(f"{len(plan.errors)} problem(s) found; nothing was applied and nothing stored has changed.")
            rows = error_rows(plan.errors) if downloads else [e.as_dict() for e in plan.errors]
            show_table(pd.DataFrame(rows), hide_index=True,
                         column_config={"row": st.column_config.NumberColumn(format="%d")})
        else:
            st.success("The upload is valid. Preview of what applying it would do:")
            if preview is not None:
                literal("<p>Imports {}.</p>", "; ".join(preview.imported))
                for note in preview.notes:
                    literal(CAPTION, note)
            for diff in plan.diffs:
                literal("<p><b>{} → {}.csv</b></p>", diff.file, diff.table)
                m1, m2, m3, m4 = st.columns(4)
                m1.metric("added", diff.added_count)
                m2.metric("changed", len(diff.changed))
                m3.metric("removed", len(diff.removed))
                m4.metric("unchanged", diff.unchanged)
                show_rows(diff)
            st.markdown(f"**Flags:** {len(plan.raised)} raised, {len(plan.resolved)} resolved")
            for flag in plan.raised:
                st.warning(f"New {flag.severity.value}: {md(flag.title)}", icon=":material/warning:")
            for flag in plan.resolved:
                st.info(f"Resolved: {md(flag.title)}", icon=":material/check_circle:")
            if not plan.changes_anything:
                st.info("The upload changes nothing.")
            message = st.text_input("What changed and why", key="apply-message", max_chars=500)
            editor = st.text_input("Your name", key="apply-editor", max_chars=100)
            if st.button("Apply", type="primary", disabled=not (can_edit and plan.changes_anything and message.strip())):
                try:
                    if downloads:
                        rev = run_bounded(apply_import_at, store().url, uploads, retrieved, message,
                                          editor or "anonymous", store().lock_timeout_s, what="Applying the download")
                    else:
                        rev = run_bounded(apply_upload_at, store().url, uploads, mode, message, editor or "anonymous",
                                          store().lock_timeout_s, what="Applying the upload")
                except (ChangeRefused, BudgetExceeded) as exc:
                    st.error(md(str(exc)))
                    if getattr(exc, "errors", None):
                        show_table(pd.DataFrame(error_rows(exc.errors)), hide_index=True)
                except StoreError as exc:  # busy past the lock timeout, or the database went away
                    st.error(str(exc), icon=":material/cloud_off:")
                else:
                    st.session_state["upload-nonce"] = nonce + 1
                    st.session_state["applied"] = f"Applied as {rev.label}: {rev.message}"
                    st.rerun()
    if "applied" in st.session_state:
        st.success(md(st.session_state.pop("applied")))
    with st.expander("Try an example upload"):
        st.markdown("`data/examples/` holds a labelled example file; upload it here to see a preview.")

# --------------------------------------------------------------------------- history
def table_rows(revision) -> dict[str, int]:
    """Rows per table in the schema's order: the claims' tables first, memberships last."""
    rows = {f.table: f.rows for f in revision.files}
    return {t: rows[t] for t in TABLES if t in rows}


with tab_history:
    history = store().history()
    show_table(
        pd.DataFrame([{"revision": r.id, "parent": r.parent_id, "time (UTC)": r.created_at, "kind": r.kind,
                       "message": r.message, "editor": r.editor,
                       **table_rows(r)} for r in history]),
        hide_index=True,
    )
    ids = [r.id for r in history]
    chosen = st.selectbox("Revision", ids, format_func=lambda i: f"revision {i}" + (" (active)" if i == ids[0] else ""))
    rev = store().revision(chosen)
    if rev.parent_id is not None:
        diffs = revision_diff(store().files(rev.parent_id), store().files(rev.id))
        st.markdown(f"Changes from revision {rev.parent_id}:" if diffs else "No row changes from its parent.")
        for diff in diffs:
            st.markdown(f"**{diff.table}.csv**: {diff.added_count} added, {len(diff.changed)} changed, "
                        f"{len(diff.removed)} removed")
            show_rows(diff)
    try:
        archive = revision_zip(store().url, rev.id)
    except StoreError as exc:  # said here: a download generated on click fails with nothing on the page
        archive = None
        st.error(f"The zip of revision {rev.id} cannot be made now: {exc}", icon=":material/cloud_off:")
    st.download_button(f"Download revision {rev.id} (zip of CSVs)", data=archive or b"", disabled=archive is None,
                       file_name=f"indicators-revision-{rev.id}.zip", mime="application/zip",
                       key=f"dl-rev-{rev.id}", on_click="ignore",
                       help="Cells a spreadsheet would run as formulas (=, +, -, @) start with an apostrophe.")
    if rev.id != ids[0]:
        if st.button(f"Revert to revision {rev.id}", disabled=not can_edit,
                     help="Makes a new revision with this content; nothing is deleted"):
            try:
                new = store().revert(rev.id, f"Revert to revision {rev.id}",
                                     st.session_state.get("apply-editor") or "anonymous")
            except StoreError as exc:
                st.error(str(exc), icon=":material/cloud_off:")
            else:
                st.session_state["applied"] = f"Reverted: {new.label} has the content of revision {rev.id}."
                st.rerun()
