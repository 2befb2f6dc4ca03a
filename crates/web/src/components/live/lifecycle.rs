//! The pod lifecycle panel: the five phases with the current one lit and each explained in
//! a sentence, the conditions, the containers, and the phase changes seen so far.

use super::status::{offset_text, tone, StatusBadge};
use kubeplay_session::live::views::pod_lifecycle::PodLifecycle;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lifecycle: Rc<PodLifecycle>,
}

#[function_component(Lifecycle)]
pub fn lifecycle(p: &Props) -> Html {
    let l = &p.lifecycle;
    let phases = l.phases.iter().map(|ph| html! {
        <li class={classes!("phase", ph.current.then_some("current"))} title={ph.explanation.clone()}>
            <span class="phase-name">{&ph.phase}</span>
        </li>
    });
    let conditions = l.conditions.iter().map(|c| {
        html! {
            <tr>
                <td>{&c.kind}</td>
                <td><span class={classes!("st", tone(&c.status))}>{&c.status}</span></td>
                <td class="muted">{&c.reason}</td>
                <td class="msg">{&c.message}</td>
                <td class="mono muted">{&c.last_transition}</td>
            </tr>
        }
    });
    let containers = l.containers.iter().map(|c| html! {
        <tr>
            <td class="mono">{&c.name}</td>
            <td>{&c.state}</td>
            <td><StatusBadge status={if c.ready { "True" } else { "False" }} compact=true />{if c.ready { " ready" } else { " not ready" }}</td>
            <td>{c.restarts}</td>
            <td class="muted">{c.last_termination.clone().unwrap_or_default()}</td>
        </tr>
    });
    let changes = l.phase_changes.iter().map(|c| {
        html! {
            <li><span class="mono">{offset_text(c.at)}</span>{" "}{&c.phase}</li>
        }
    });
    html! {
        <div class="lifecycle">
            <ol class="phases" aria-label="Pod phases">{for phases}</ol>
            <p class="phase-explain"><strong>{&l.phase}</strong>{": "}{&l.explanation}</p>
            <h4>{"Conditions"}</h4>
            <table class="events"><thead><tr><th>{"Type"}</th><th>{"Status"}</th><th>{"Reason"}</th><th>{"Message"}</th><th>{"Since"}</th></tr></thead>
                <tbody>{for conditions}</tbody></table>
            <h4>{"Containers"}</h4>
            <table class="events"><thead><tr><th>{"Name"}</th><th>{"State"}</th><th>{"Ready"}</th><th>{"Restarts"}</th><th>{"Last termination"}</th></tr></thead>
                <tbody>{for containers}</tbody></table>
            if !l.phase_changes.is_empty() {
                <h4>{"Phase changes"}</h4>
                <ul class="phase-changes">{for changes}</ul>
            }
        </div>
    }
}
