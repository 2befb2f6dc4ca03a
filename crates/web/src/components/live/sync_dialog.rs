//! The Sync dialog: options (prune, dry run, apply out-of-sync only), the resources to sync,
//! and the whole-app diff of what the sync would change, pruned resources marked.

use super::diff::DiffTable;
use super::status::StatusBadge;
use crate::components::dialogs::Modal;
use kubeplay_session::live::views::diff_view::ResourceChange;
use kubeplay_session::live::{LiveCommand, LiveSnapshot, SyncOptions};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
    pub on_close: Callback<()>,
}

fn change_label(c: ResourceChange) -> (&'static str, &'static str) {
    match c {
        ResourceChange::New => ("new", "create"),
        ResourceChange::Pruned => ("pruned", "prune"),
        ResourceChange::Extraneous => ("extra", "not in Git"),
        ResourceChange::Modified => ("modified", "modified"),
        ResourceChange::Unchanged => ("same", "unchanged"),
    }
}

#[function_component(SyncDialog)]
pub fn sync_dialog(p: &Props) -> Html {
    let prune = use_state(|| false);
    let dry_run = use_state(|| false);
    let oos_only = use_state(|| false);
    // Resources left out of the sync (all are in by default).
    let excluded = use_state(BTreeSet::<String>::new);
    let name = p
        .snapshot
        .app
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let check = |label: &'static str, title: &'static str, state: &UseStateHandle<bool>| {
        let s = state.clone();
        html! {
            <label class="check" {title}>
                <input type="checkbox" checked={**state} onchange={Callback::from(move |_| s.set(!*s))} />{label}
            </label>
        }
    };
    let diff = p.snapshot.app_diff.as_ref();
    let resources = diff.map(|d| d.resources.clone()).unwrap_or_default();
    let items = resources.iter().map(|r| {
        let (class, word) = change_label(r.change);
        let id = r.id.clone();
        let on = !excluded.contains(&id);
        let toggle = {
            let excluded = excluded.clone();
            Callback::from(move |_| {
                let mut next = (*excluded).clone();
                if !next.remove(&id) {
                    next.insert(id.clone());
                }
                excluded.set(next);
            })
        };
        // Only an open resource's lines come with the snapshot (and reach the DOM).
        let expand = {
            let (s, id) = (p.on_send.clone(), r.id.clone());
            Callback::from(move |_| s.emit(LiveCommand::ToggleAppDiffResource(id.clone())))
        };
        html! {
            <div class={classes!("res-diff", class, r.open.then_some("open"))}>
                <div class="res-head">
                    <input type="checkbox" checked={on} onchange={toggle} aria-label={format!("Sync {}", r.title)} />
                    <button class="res-toggle" aria-expanded={r.open.to_string()} onclick={expand}
                        title={if r.open { "Hide the lines" } else { "Show the lines" }}>
                        <span class="caret">{if r.open { "▾" } else { "▸" }}</span>
                        <span class={classes!("chg", class)}>{word}</span>
                        <span class="mono">{&r.title}</span>
                    </button>
                    <StatusBadge status={r.sync.clone()} sync=true compact=true />
                    <span class="diff-counts"><span class="add">{format!("+{}", r.added)}</span>{" "}<span class="del">{format!("−{}", r.removed)}</span></span>
                </div>
                if r.open { <DiffTable rows={r.rows.clone()} /> }
            </div>
        }
    });
    let submit = {
        let (s, prune, dry_run, oos, excluded) = (
            p.on_send.clone(),
            prune.clone(),
            dry_run.clone(),
            oos_only.clone(),
            excluded.clone(),
        );
        let ids: Vec<String> = resources.iter().map(|r| r.id.clone()).collect();
        Callback::from(move |_| {
            let chosen: Vec<String> = if excluded.is_empty() {
                Vec::new()
            } else {
                ids.iter()
                    .filter(|i| !excluded.contains(*i))
                    .cloned()
                    .collect()
            };
            s.emit(LiveCommand::Sync(SyncOptions {
                prune: *prune,
                dry_run: *dry_run,
                apply_out_of_sync_only: *oos,
                resources: chosen,
            }));
        })
    };
    let summary = diff.map(|d| d.summary).unwrap_or_default();
    html! {
        <Modal title={format!("Sync {name}")} on_close={p.on_close.clone()} wide=true>
            <div class="sync-dialog">
                <div class="sync-options">
                    {check("Prune", "Delete resources that are no longer in Git", &prune)}
                    {check("Dry run", "Validate the sync without changing the cluster", &dry_run)}
                    {check("Apply out of sync only", "Skip resources that are already Synced", &oos_only)}
                </div>
                <div class="sync-summary">
                    {format!("{} new · {} modified · {} to prune · {} not in Git", summary.new, summary.modified, summary.pruned, summary.extraneous)}
                    <span class="diff-counts">{" "}<span class="add">{format!("+{}", summary.lines_added)}</span>{" "}<span class="del">{format!("−{}", summary.lines_removed)}</span></span>
                    if summary.pruned > 0 && !*prune { <span class="badge warn">{"tick Prune to delete pruned resources"}</span> }
                </div>
                if diff.is_none() {
                    <div class="empty-note">{"Comparing…"}</div>
                } else if resources.is_empty() {
                    <div class="empty-note">{"Live matches Git: a sync would change nothing."}</div>
                }
                <div class="sync-resources">{for items}</div>
                <div class="btn-row end">
                    <button class="tool bar" onclick={p.on_close.reform(|_| ())}>{"Cancel"}</button>
                    <button class="primary" onclick={submit}>{if *dry_run { "Dry run" } else { "Synchronize" }}</button>
                </div>
            </div>
        </Modal>
    }
}
