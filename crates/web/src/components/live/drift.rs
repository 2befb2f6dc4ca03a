//! Drift made by hand, as `kubectl` would: scale a workload, edit the live object, delete
//! it. The app turns OutOfSync and, with self-heal on, Argo CD puts Git's state back.

use kubeplay_session::live::snapshot::{NodeDetails, TabContent};
use kubeplay_session::live::{DetailsTab, LiveCommand};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub details: Rc<NodeDetails>,
    pub on_send: Callback<LiveCommand>,
}

#[function_component(DriftActions)]
pub fn drift_actions(p: &Props) -> Html {
    let d = &p.details;
    let replicas = use_state(|| None::<i64>);
    let editing = use_state(|| None::<String>);
    let shown = replicas.unwrap_or(d.replicas.unwrap_or(0));
    let on_replicas = {
        let replicas = replicas.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                replicas.set(i.value().parse().ok());
            }
        })
    };
    let scale = {
        let (s, id, replicas) = (p.on_send.clone(), d.id.clone(), replicas.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            s.emit(LiveCommand::Scale {
                id: id.clone(),
                replicas: shown,
            });
            replicas.set(None);
        })
    };
    let delete = {
        let (s, id, what) = (
            p.on_send.clone(),
            d.id.clone(),
            format!("{} {}", d.kind, d.name),
        );
        Callback::from(move |_| {
            if crate::browser::confirm(&format!("Delete {what} from the cluster (kubectl delete)?"))
            {
                s.emit(LiveCommand::Delete { id: id.clone() });
            }
        })
    };
    let start_edit = {
        let (s, editing, content) = (p.on_send.clone(), editing.clone(), d.content.clone());
        Callback::from(move |_| match &content {
            TabContent::Yaml(y) => editing.set(Some(y.clone())),
            _ => s.emit(LiveCommand::SetTab(DetailsTab::LiveYaml)),
        })
    };
    // Once the live manifest arrives, the edit box opens on it.
    let editor = match (&*editing, &d.content) {
        (Some(text), _) => Some(text.clone()),
        _ => None,
    };
    let on_edit_input = {
        let editing = editing.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                editing.set(Some(t.value()));
            }
        })
    };
    let apply = {
        let (s, id, editing) = (p.on_send.clone(), d.id.clone(), editing.clone());
        Callback::from(move |_| {
            if let Some(yaml) = (*editing).clone() {
                s.emit(LiveCommand::EditLive {
                    id: id.clone(),
                    yaml,
                });
                editing.set(None);
            }
        })
    };
    let cancel = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(None))
    };
    html! {
        <div class="drift">
            <span class="drift-label" title="Change the cluster by hand, as kubectl would">{"kubectl"}</span>
            if d.replicas.is_some() {
                <form class="scale" onsubmit={scale}>
                    <label>{"replicas "}<input type="number" min="0" max="500" value={shown.to_string()} oninput={on_replicas} aria-label="Replicas" /></label>
                    <button class="tool bar" type="submit" title="kubectl scale">{"Scale"}</button>
                </form>
            }
            <button class="tool bar" onclick={start_edit} title="kubectl edit: change the live object">{"Edit"}</button>
            <button class="tool bar danger" onclick={delete} title="kubectl delete">{"Delete"}</button>
            if let Some(text) = editor {
                <div class="edit-live">
                    <textarea class="edit-yaml" spellcheck="false" value={text} oninput={on_edit_input} aria-label="Live object YAML" />
                    <div class="btn-row">
                        <button class="primary" onclick={apply}>{"Apply to the cluster"}</button>
                        <button class="tool bar" onclick={cancel}>{"Cancel"}</button>
                    </div>
                </div>
            }
        </div>
    }
}
