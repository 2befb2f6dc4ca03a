//! The application list (one tab per app) and the selected app's header: sync status,
//! health, last sync result, revision, the operation in progress, the Refresh, Sync and
//! Rollback buttons, and the automated-sync toggles.

use super::status::{offset_text, StatusBadge};
use super::LiveDialog;
use kubeplay_session::live::{LiveCommand, LiveSnapshot, Policy};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
    pub on_dialog: Callback<LiveDialog>,
    pub on_dismiss: Callback<()>,
}

#[function_component(AppHeaderView)]
pub fn app_header(p: &Props) -> Html {
    let snap = &p.snapshot;
    let selected = snap.app.as_ref().map(|a| a.name.as_str()).unwrap_or("");
    let tabs = snap.apps.iter().map(|a| {
        let name = a.name.clone();
        let send = p.on_send.clone();
        let on = a.name == selected;
        html! {
            <button class={classes!("app-tab", on.then_some("on"))} role="tab" aria-selected={on.to_string()}
                onclick={Callback::from(move |_| send.emit(LiveCommand::SelectApp(name.clone())))}>
                <span class="app-tab-name">{&a.name}</span>
                <StatusBadge status={a.health.clone()} compact=true />
                <StatusBadge status={a.sync.clone()} sync=true compact=true />
                if a.implicit { <span class="tag" title="No Application manifest in the workspace: the page made this one over the render target">{"implicit"}</span> }
            </button>
        }
    });
    let Some(h) = &snap.app else {
        return html! { <div class="app-header empty">{"Opening the workspace in the simulated cluster…"}</div> };
    };
    let send = |cmd: LiveCommand| {
        let s = p.on_send.clone();
        Callback::from(move |_: MouseEvent| s.emit(cmd.clone()))
    };
    let dialog = |d: LiveDialog| {
        let s = p.on_dialog.clone();
        Callback::from(move |_: MouseEvent| s.emit(d))
    };
    let toggle =
        |label: &'static str, title: &'static str, on: bool, next: Policy, disabled: bool| {
            let s = p.on_send.clone();
            html! {
                <label class={classes!("switch", disabled.then_some("disabled"))} {title}>
                    <input type="checkbox" role="switch" checked={on} {disabled}
                        onchange={Callback::from(move |_| s.emit(LiveCommand::SetPolicy(next)))} />
                    <span class="knob" aria-hidden="true"></span>{label}
                </label>
            }
        };
    let pol = h.policy;
    let running = h.operation.as_ref().filter(|o| o.phase == "Running");
    let last = h.last_sync.as_ref();
    html! {
        <div class="app-header">
            <div class="app-tabs" role="tablist" aria-label="Applications">{for tabs}</div>
            <div class="app-summary">
                <div class="app-card">
                    <div class="app-title">
                        <span class="kind-icon app" aria-hidden="true">{"app"}</span>
                        <span class="app-name">{&h.name}</span>
                        <span class="muted">{format!("{} · {}", h.project, h.destination_namespace)}</span>
                    </div>
                    <div class="app-source" title={h.repo_url.clone()}>
                        <span class="muted">{"source "}</span><code>{if h.path.is_empty() { "." } else { &h.path }}</code>
                        <span class="muted">{" @ "}</span><code>{&h.target_revision}</code>
                        if !h.source_type.is_empty() { <span class="tag">{&h.source_type}</span> }
                    </div>
                </div>
                <div class="app-stat">
                    <div class="stat-label">{"App health"}</div>
                    <StatusBadge status={h.health.clone()} />
                    if !h.health_message.is_empty() { <div class="stat-sub">{&h.health_message}</div> }
                </div>
                <div class="app-stat" data-testid="sync-status">
                    <div class="stat-label">{"Sync status"}</div>
                    <StatusBadge status={h.sync.clone()} sync=true />
                    <div class="stat-sub">{format!("to {} ", h.target_revision)}<code title={h.revision_message.clone()}>{&h.revision}</code>
                        if h.out_of_sync > 0 { {format!(" · {} of {} out of sync", h.out_of_sync, h.resources)} }
                    </div>
                    if !h.revision_message.is_empty() { <div class="stat-sub ellipsis">{&h.revision_message}</div> }
                </div>
                <div class="app-stat" data-testid="last-sync">
                    <div class="stat-label">{if running.is_some() { "Sync in progress" } else { "Last sync" }}</div>
                    if let Some(op) = running {
                        <StatusBadge status="Progressing" />
                        <div class="stat-sub">{format!("{} · {}/{} tasks · {} ", op.initiator, op.done, op.total, op.revision)}</div>
                        <div class="stat-sub ellipsis" title={op.message.clone()}>{&op.message}</div>
                    } else if let Some(l) = last {
                        <StatusBadge status={l.phase.clone()} />
                        <div class="stat-sub">{format!("{} at {}", l.revision, offset_text(l.finished_at))}</div>
                        <div class="stat-sub ellipsis" title={l.message.clone()}>{&l.message}</div>
                    } else {
                        <span class="muted">{"never synced"}</span>
                    }
                </div>
                <div class="app-actions">
                    <div class="btn-row">
                        <button class="tool bar" onclick={send(LiveCommand::Refresh)} title="Compare the app with Git now">{"⟳ Refresh"}</button>
                        <button class="primary" onclick={dialog(LiveDialog::Sync)} disabled={running.is_some()} title="Sync the app to its target revision">{"Sync"}</button>
                        <button class="tool bar" onclick={dialog(LiveDialog::Rollback)} disabled={h.history.len() < 2 || running.is_some()}
                            title="Deploy an earlier revision from the app's history">{"↶ Rollback"}</button>
                        <button class="tool bar" onclick={dialog(LiveDialog::Helm)}
                            title="helm install, list and uninstall into the same cluster">{"⎈ Helm"}</button>
                    </div>
                    <div class="btn-row switches">
                        {toggle("Auto-sync", "Sync automatically when Git changes", pol.auto_sync,
                            Policy { auto_sync: !pol.auto_sync, ..pol }, false)}
                        {toggle("Self-heal", "Revert changes made in the cluster", pol.self_heal,
                            Policy { self_heal: !pol.self_heal, ..pol }, !pol.auto_sync)}
                        {toggle("Prune", "Delete resources no longer in Git", pol.prune,
                            Policy { prune: !pol.prune, ..pol }, !pol.auto_sync)}
                    </div>
                </div>
            </div>
            if !h.conditions.is_empty() {
                <ul class="conditions">{for h.conditions.iter().map(|c| html! { <li>{c}</li> })}</ul>
            }
            if let Some(e) = &snap.error {
                <div class="live-error" role="alert">{e}<button class="tool" aria-label="Dismiss" onclick={p.on_dismiss.reform(|_| ())}>{"✕"}</button></div>
            } else if let Some(n) = &snap.notice {
                <div class="live-notice" role="status">{n}<button class="tool" aria-label="Dismiss" onclick={p.on_dismiss.reform(|_| ())}>{"✕"}</button></div>
            }
        </div>
    }
}
