//! The flat list of the app's resources (Argo CD's list view), filtered like the tree.

use super::status::StatusBadge;
use kubeplay_session::live::{LiveCommand, LiveSnapshot};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
}

#[function_component(ListView)]
pub fn list_view(p: &Props) -> Html {
    let rows = p.snapshot.list.iter().flatten().map(|n| {
        let (s, id, sel) = (p.on_send.clone(), n.id.clone(), n.selected);
        let onclick = Callback::from(move |_| s.emit(LiveCommand::SelectNode((!sel).then(|| id.clone()))));
        html! {
            <tr key={n.id.clone()} class={classes!(n.selected.then_some("selected"))} {onclick} data-kind={n.kind.clone()} data-name={n.name.clone()}>
                <td><span class={classes!("kind-icon", n.icon.clone())}>{&n.icon}</span>{" "}{&n.kind}</td>
                <td class="mono">{&n.name}</td>
                <td class="mono muted">{&n.namespace}</td>
                <td><StatusBadge status={n.health.clone()} /></td>
                <td><StatusBadge status={n.sync.clone()} sync=true /></td>
                <td class="muted">{&n.status}
                    if n.restarts > 0 { <span class="restarts">{format!(" ↻{}", n.restarts)}</span> }
                    if let Some(f) = &n.failing { <span class="failing inline">{format!(" {}: {}", f.name, f.reason)}</span> }
                </td>
            </tr>
        }
    });
    html! {
        <div class="list-scroll">
            <table class="res-list">
                <thead><tr><th>{"Kind"}</th><th>{"Name"}</th><th>{"Namespace"}</th><th>{"Health"}</th><th>{"Sync"}</th><th>{"Status"}</th></tr></thead>
                <tbody>{for rows}</tbody>
            </table>
        </div>
    }
}
