//! The rollback picker: the app's deployment history, newest first; picking one deploys
//! that revision again (and, as in Argo CD, turns automated sync off).

use super::status::offset_text;
use crate::components::dialogs::Modal;
use kubeplay_session::live::{LiveCommand, LiveSnapshot};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
    pub on_close: Callback<()>,
}

#[function_component(RollbackDialog)]
pub fn rollback_dialog(p: &Props) -> Html {
    let Some(h) = &p.snapshot.app else {
        return html! {};
    };
    let rows = h.history.iter().map(|r| {
        let (s, close, id) = (p.on_send.clone(), p.on_close.clone(), r.id);
        let onclick = Callback::from(move |_| {
            s.emit(LiveCommand::Rollback { history_id: id });
            close.emit(());
        });
        html! {
            <tr class={classes!(r.current.then_some("current"))}>
                <td class="mono">{r.id}</td>
                <td class="mono">{&r.revision}</td>
                <td>{&r.message}</td>
                <td class="muted">{&r.initiator}</td>
                <td class="mono muted">{offset_text(r.deployed_at)}</td>
                <td>
                    if r.current { <span class="badge">{"current"}</span> }
                    else { <button class="tool bar" {onclick} data-revision={r.revision.clone()}>{"Rollback"}</button> }
                </td>
            </tr>
        }
    });
    html! {
        <Modal title={format!("Roll back {}", h.name)} on_close={p.on_close.clone()} wide=true>
            <p class="muted">{"Deploys an earlier revision again. Argo CD turns auto-sync off first, or it would sync straight back to Git's head."}</p>
            <table class="events rollback">
                <thead><tr><th>{"ID"}</th><th>{"Revision"}</th><th>{"Message"}</th><th>{"By"}</th><th>{"Deployed"}</th><th></th></tr></thead>
                <tbody>{for rows}</tbody>
            </table>
        </Modal>
    }
}
