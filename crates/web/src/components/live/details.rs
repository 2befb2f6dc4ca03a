//! The selected node's panel: its status, the drift actions, and tabs for the live and
//! desired manifests, the diff, the events and, for pods, the probe timeline and the pod
//! lifecycle. Only the open tab's content comes in the snapshot.

use super::diff::{DiffTable, MODES};
use super::drift::DriftActions;
use super::lifecycle::Lifecycle;
use super::status::{offset_text, StatusBadge};
use super::timeline::Timeline;
use kubeplay_session::live::snapshot::TabContent;
use kubeplay_session::live::{DetailsTab, LiveCommand, LiveSnapshot};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
}

fn yaml_view(text: &str) -> Html {
    if text.is_empty() {
        return html! { <div class="empty-note">{"Nothing here: the object does not exist on this side."}</div> };
    }
    // The editor's highlighter (its output is escaped HTML), one numbered row per line.
    let hl = crate::highlight::highlight(text.trim_end_matches('\n'), &Default::default());
    let mut out = String::with_capacity(hl.len() * 2);
    out.push_str("<pre class=\"yaml-view\">");
    for (i, l) in hl.split('\n').enumerate() {
        out.push_str(&format!(
            "<div class=\"yl\"><span class=\"ln\">{}</span><span class=\"code\">{l}</span></div>",
            i + 1
        ));
    }
    out.push_str("</pre>");
    Html::from_html_unchecked(AttrValue::from(out))
}

#[function_component(DetailsPanel)]
pub fn details_panel(p: &Props) -> Html {
    let snap = &p.snapshot;
    let Some(d) = &snap.details else {
        return html! {};
    };
    let send = |cmd: LiveCommand| {
        let s = p.on_send.clone();
        Callback::from(move |_: MouseEvent| s.emit(cmd.clone()))
    };
    let tab = if snap.view.tab.pod_only() && !d.is_pod {
        DetailsTab::Summary
    } else {
        snap.view.tab
    };
    let tabs = DetailsTab::ALL.iter().filter(|t| d.is_pod || !t.pod_only()).map(|t| {
        let on = *t == tab;
        html! {
            <button class={classes!("dtab", on.then_some("on"))} role="tab" aria-selected={on.to_string()}
                onclick={send(LiveCommand::SetTab(*t))}>{t.label()}</button>
        }
    });
    let body = match (&d.content, tab) {
        (_, DetailsTab::Summary) => html! {
            <dl class="kv">
                <dt>{"Kind"}</dt><dd>{&d.kind}</dd>
                <dt>{"Name"}</dt><dd class="mono">{&d.name}</dd>
                if !d.namespace.is_empty() { <dt>{"Namespace"}</dt><dd class="mono">{&d.namespace}</dd> }
                <dt>{"Health"}</dt><dd><StatusBadge status={d.health.clone()} />{" "}<span class="muted">{&d.health_message}</span></dd>
                if !d.sync.is_empty() { <dt>{"Sync"}</dt><dd><StatusBadge status={d.sync.clone()} sync=true /></dd> }
                {for d.info.iter().map(|(k, v)| html! { <><dt>{k}</dt><dd class="mono">{v}</dd></> })}
            </dl>
        },
        (TabContent::Yaml(y), _) => yaml_view(y),
        (TabContent::Diff(diff), _) => {
            let modes = MODES.iter().map(|(m, label)| {
                let on = *m == snap.view.diff_mode;
                html! { <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()} onclick={send(LiveCommand::SetDiffMode(*m))}>{*label}</button> }
            });
            html! {
                <div class="diff-wrap">
                    <div class="diff-head">
                        <span class="segs" role="group" aria-label="Diff mode">{for modes}</span>
                        <span class="diff-counts"><span class="add">{format!("+{}", diff.added)}</span>{" "}<span class="del">{format!("−{}", diff.removed)}</span></span>
                        <span class="muted">{"⊘ on a line ignores that field"}</span>
                    </div>
                    if diff.added + diff.removed == 0 {
                        <div class="empty-note">{"Live matches desired."}</div>
                    }
                    <DiffTable rows={diff.rows.clone()} on_send={Some(p.on_send.clone())} />
                </div>
            }
        }
        (TabContent::Events(events), _) => {
            if events.is_empty() {
                html! { <div class="empty-note">{"No events."}</div> }
            } else {
                html! {
                    <table class="events">
                        <thead><tr><th>{"Last seen"}</th><th>{"Type"}</th><th>{"Reason"}</th><th>{"Message"}</th><th>{"Count"}</th></tr></thead>
                        <tbody>{for events.iter().map(|e| html! {
                            <tr class={classes!((e.kind == "Warning").then_some("warning"))}>
                                <td class="mono">{offset_text(e.at)}</td><td>{&e.kind}</td><td>{&e.reason}</td>
                                <td class="msg">{&e.message}</td><td>{e.count}</td>
                            </tr>
                        })}</tbody>
                    </table>
                }
            }
        }
        (TabContent::Timeline(t), _) => html! { <Timeline timeline={Rc::new(t.clone())} /> },
        (TabContent::Lifecycle(l), _) => html! { <Lifecycle lifecycle={Rc::new(l.clone())} /> },
        (TabContent::None, _) => {
            html! { <div class="empty-note">{"Nothing to show for this resource."}</div> }
        }
    };
    html! {
        <aside class="details" aria-label={format!("{} {}", d.kind, d.name)}>
            <div class="details-head">
                <div class="details-title">
                    <span class="muted">{&d.kind}</span>
                    <span class="details-name">{&d.name}</span>
                </div>
                <StatusBadge status={d.health.clone()} />
                <StatusBadge status={d.sync.clone()} sync=true />
                <button class="tool close" aria-label="Close details" onclick={send(LiveCommand::SelectNode(None))}>{"✕"}</button>
            </div>
            if d.live {
                <DriftActions details={Rc::new((**d).clone())} on_send={p.on_send.clone()} />
            }
            <div class="dtabs" role="tablist">{for tabs}</div>
            <div class="details-body" data-tab={format!("{tab:?}")}>{body}</div>
        </aside>
    }
}
