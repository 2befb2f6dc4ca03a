//! The Helm panel: `helm install` of a chart of the workspace into the live cluster (the
//! release name, namespace, values files and `--set` lines start from the output pane's Helm
//! settings), `helm list` with each release's resources and their health as the clock runs,
//! `helm uninstall`, and what the last command printed.

use super::status::StatusBadge;
use crate::components::dialogs::Modal;
use crate::workspace::Settings;
use kubeplay_session::live::helm::{HelmCommand, HelmInstall, ReleaseRow};
use kubeplay_session::live::{LiveCommand, LiveSnapshot};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
    pub on_close: Callback<()>,
    /// The workspace's Helm settings: the form's first values.
    pub settings: Settings,
    /// The workspace's YAML files, the candidates for `-f`.
    pub yaml_files: Rc<Vec<String>>,
}

fn text_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let s = state.clone();
    Callback::from(move |e: InputEvent| {
        s.set(e.target_unchecked_into::<HtmlInputElement>().value())
    })
}

#[function_component(HelmDialog)]
pub fn helm_dialog(p: &Props) -> Html {
    let view = p.snapshot.helm.as_deref();
    let charts = view.map(|v| v.charts.clone()).unwrap_or_default();
    let chart = use_state(String::new);
    let name = use_state(|| match p.settings.release.trim() {
        "" | "release-name" => String::new(),
        n => n.to_string(),
    });
    let namespace = use_state(|| p.settings.namespace.clone());
    let values = use_state(|| p.settings.values_files.clone());
    let set = use_state(|| p.settings.set.clone());
    let create_ns = use_state(|| false);
    let keep_history = use_state(|| false);
    // The first chart until the user picks one.
    let chosen = if charts.contains(&chart) {
        (*chart).clone()
    } else {
        charts.first().cloned().unwrap_or_default()
    };
    let install = {
        let (s, chosen, name, namespace, values, set, create_ns) = (
            p.on_send.clone(),
            chosen.clone(),
            name.clone(),
            namespace.clone(),
            values.clone(),
            set.clone(),
            create_ns.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            s.emit(LiveCommand::Helm(HelmCommand::Install(HelmInstall {
                chart: chosen.clone(),
                name: name.trim().to_string(),
                namespace: namespace.trim().to_string(),
                values_files: (*values).clone(),
                set: crate::render::set_lines(&set),
                create_namespace: *create_ns,
            })));
        })
    };
    let on_chart = {
        let chart = chart.clone();
        Callback::from(move |e: Event| {
            chart.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_set = {
        let set = set.clone();
        Callback::from(move |e: InputEvent| {
            set.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let toggle = |state: &UseStateHandle<bool>| {
        let s = state.clone();
        Callback::from(move |_| s.set(!*s))
    };
    // `-f` candidates: YAML files of the chosen chart other than its values.yaml (Helm reads
    // that one anyway), then any other picked before.
    let prefix = format!("{}/", chosen.trim_end_matches('/'));
    let own_values = format!("{prefix}values.yaml");
    let candidates = p.yaml_files.iter().filter(|f| {
        (f.starts_with(&prefix)
            && !f[prefix.len()..].contains('/')
            && **f != own_values
            && !f.ends_with("Chart.yaml"))
            || values.contains(f)
    });
    let value_checks = candidates.map(|f| {
        let (values, file) = (values.clone(), f.clone());
        let checked = values.contains(f);
        let onchange = Callback::from(move |_| {
            let mut next = (*values).clone();
            if let Some(i) = next.iter().position(|v| *v == file) {
                next.remove(i);
            } else {
                next.push(file.clone());
            }
            values.set(next);
        });
        html! { <label class="check"><input type="checkbox" {checked} {onchange} />{format!("-f {f}")}</label> }
    });
    let releases = view.map(|v| v.releases.as_slice()).unwrap_or_default();
    let rows = releases
        .iter()
        .map(|r| release_row(r, &p.on_send, *keep_history));
    html! {
        <Modal title="Helm" on_close={p.on_close.clone()} wide=true>
            <div class="helm-panel">
                <p class="muted">{"Helm installs a chart of the workspace into the same simulated cluster Argo CD deploys to. A release is recorded as Helm 4 records it (a Secret per revision); Helm refuses objects another owner created."}</p>
                if charts.is_empty() && view.is_some() {
                    <div class="empty-note">{"The workspace has no chart (a directory with Chart.yaml). Open the Helm example or create one."}</div>
                } else {
                    <form class="helm-install" onsubmit={install} aria-label="helm install">
                        <code class="cmd">{"helm install"}</code>
                        <input type="text" aria-label="Release name" placeholder="NAME" value={(*name).clone()} oninput={text_input(&name)} />
                        <select aria-label="Chart" onchange={on_chart}>
                            {for charts.iter().map(|c| html! { <option value={c.clone()} selected={*c == chosen}>{c}</option> })}
                        </select>
                        <label class="inline">{"-n "}<input type="text" aria-label="Namespace" value={(*namespace).clone()} oninput={text_input(&namespace)} /></label>
                        <label class="check"><input type="checkbox" checked={*create_ns} onchange={toggle(&create_ns)} />{"--create-namespace"}</label>
                        <div class="helm-values" role="group" aria-label="Values files">{for value_checks}</div>
                        <textarea aria-label="--set lines" rows="2" placeholder="--set, one per line: replicaCount=2" value={(*set).clone()} oninput={on_set} />
                        <div class="btn-row end"><button class="primary" type="submit" disabled={chosen.is_empty()}>{"Install"}</button></div>
                    </form>
                }
                // The header shows refusals too, but the dialog covers it.
                if let Some(e) = &p.snapshot.error {
                    <div class="live-error" role="alert">{e}</div>
                }
                if let Some(out) = view.and_then(|v| v.output.as_ref()) {
                    <pre class="helm-output" data-testid="helm-output">{out}</pre>
                }
                <h3 class="helm-h">{"helm list --all-namespaces"}</h3>
                if releases.is_empty() {
                    <div class="empty-note">{"No releases."}</div>
                } else {
                    <label class="check"><input type="checkbox" checked={*keep_history} onchange={toggle(&keep_history)} />{"uninstall with --keep-history"}</label>
                    <div class="helm-releases">{for rows}</div>
                }
                if let Some(v) = view {
                    <details class="helm-list-text"><summary>{"as printed"}</summary><pre data-testid="helm-list">{&v.list_table}</pre></details>
                }
            </div>
        </Modal>
    }
}

fn release_row(r: &ReleaseRow, send: &Callback<LiveCommand>, keep_history: bool) -> Html {
    let uninstall = {
        let (s, name, namespace) = (send.clone(), r.name.clone(), r.namespace.clone());
        Callback::from(move |_| {
            s.emit(LiveCommand::Helm(HelmCommand::Uninstall {
                name: name.clone(),
                namespace: namespace.clone(),
                keep_history,
            }))
        })
    };
    let resources = r.resources.iter().map(|x| {
        html! {
            <li style={format!("padding-left: {}em", x.depth * 2)} data-kind={x.kind.clone()}>
                <span class="kind">{&x.kind}</span>{" "}<span class="mono">{&x.name}</span>{" "}
                <StatusBadge status={x.health.clone()} compact=true />
                if !x.health_message.is_empty() { <span class="muted">{format!(" {}", x.health_message)}</span> }
            </li>
        }
    });
    html! {
        <section class="helm-release" data-release={r.name.clone()}>
            <div class="helm-release-head">
                <strong>{&r.name}</strong>
                <span class="muted">{format!(" {} · revision {} · {} · app {}", r.namespace, r.revision, r.chart, r.app_version)}</span>
                <span class={classes!("badge", (r.status != "deployed").then_some("warn"))}>{&r.status}</span>
                <button class="tool bar" onclick={uninstall} aria-label={format!("Uninstall {}", r.name)}>{"Uninstall"}</button>
            </div>
            <ul class="helm-resources">{for resources}</ul>
        </section>
    }
}
