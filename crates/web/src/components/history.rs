//! The commit bar and the history list (under the file tree), and the diff dialog.

use crate::components::dialogs::Modal;
use crate::history::Entry;
use kubeplay_gitops::git::{FileChange, FileDiff};
use kubeplay_gitops::textdiff::Line;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Files changed since the last commit.
    pub changed: usize,
    pub entries: Vec<Entry>,
    #[prop_or_default]
    pub readonly: bool,
    pub on_commit: Callback<String>,
    /// Show a commit (its index in the history), or the uncommitted changes (`None`).
    pub on_view: Callback<Option<usize>>,
}

#[function_component(History)]
pub fn history(props: &Props) -> Html {
    let message = use_state(String::new);
    let submit = {
        let (message, on_commit) = (message.clone(), props.on_commit.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !message.trim().is_empty() {
                on_commit.emit((*message).clone());
                message.set(String::new());
            }
        })
    };
    let oninput = {
        let message = message.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                message.set(i.value());
            }
        })
    };
    let view_changes = {
        let cb = props.on_view.clone();
        Callback::from(move |_| cb.emit(None))
    };
    let rows = props.entries.iter().map(|e| {
        let cb = props.on_view.clone();
        let index = e.index;
        html! {
            <li>
                <button class="commit" onclick={Callback::from(move |_| cb.emit(Some(index)))}
                    title="View this revision and what it changed">
                    <span class="sha">{&e.id}</span>
                    <span class="msg">{&e.message}</span>
                </button>
            </li>
        }
    });
    html! {
        <section class="history" aria-label="History">
            <div class="pane-title">
                {"History"}
                <span class="hint">{"in-browser Git"}</span>
            </div>
            if !props.readonly {
                <form class="commit-bar" onsubmit={submit}>
                    <input type="text" placeholder="Commit message" aria-label="Commit message"
                        value={(*message).clone()} {oninput} spellcheck="false" />
                    <button class="primary" type="submit" disabled={props.changed == 0 || message.trim().is_empty()}>{"Commit"}</button>
                </form>
                if props.changed > 0 {
                    <button class="changes" onclick={view_changes}>
                        {format!(
                            "{} changed file{} {}",
                            props.changed,
                            if props.changed == 1 { "" } else { "s" },
                            if props.entries.is_empty() { "to commit first" } else { "since the last commit" }
                        )}
                    </button>
                }
            }
            if props.entries.is_empty() {
                <p class="none">{"No commits yet."}</p>
            } else {
                <ul class="log">{for rows}</ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DiffProps {
    pub title: AttrValue,
    pub diffs: Vec<FileDiff>,
    /// Offer to restore this revision's files.
    #[prop_or_default]
    pub on_restore: Option<Callback<()>>,
    pub on_close: Callback<()>,
}

#[function_component(DiffDialog)]
pub fn diff_dialog(props: &DiffProps) -> Html {
    let files = props.diffs.iter().map(|d| {
        let (label, class) = match d.change {
            FileChange::Added => ("added", "add"),
            FileChange::Deleted => ("deleted", "del"),
            FileChange::Modified => ("modified", "mod"),
        };
        let hunks = d.hunks.iter().map(|h| {
            let lines = h.lines.iter().map(|l| match l {
                Line::Same(t) => html! { <div class="dl same">{format!(" {t}")}</div> },
                Line::Added(t) => html! { <div class="dl add">{format!("+{t}")}</div> },
                Line::Removed(t) => html! { <div class="dl del">{format!("-{t}")}</div> },
            });
            html! { <><div class="dl hunk">{h.header()}</div>{for lines}</> }
        });
        html! {
            <div class="file-diff">
                <div class="fd-head"><span class={classes!("chg", class)}>{label}</span>{d.path.trim_start_matches('/')}</div>
                <pre class="diff">{for hunks}</pre>
            </div>
        }
    });
    html! {
        <Modal title={props.title.clone()} on_close={props.on_close.clone()} wide=true>
            if props.diffs.is_empty() {
                <p class="lead">{"No changes."}</p>
            } else {
                <p class="lead">{format!("{} file{} changed.", props.diffs.len(), if props.diffs.len() == 1 { "" } else { "s" })}</p>
            }
            <div class="diffs" data-testid="diff">{for files}</div>
            if let Some(restore) = &props.on_restore {
                <div class="row-input">
                    <button class="primary" onclick={let r = restore.clone(); Callback::from(move |_| r.emit(()))}>
                        {"Restore the files of this revision"}
                    </button>
                </div>
            }
        </Modal>
    }
}
