//! Modal dialogs: the examples gallery, the keyboard shortcuts, the share link and the embed
//! snippet. Each traps nothing: Escape or the backdrop closes, focus starts on the first control.

use crate::examples::{Example, ALL};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub title: AttrValue,
    pub on_close: Callback<()>,
    pub children: Html,
    #[prop_or_default]
    pub wide: bool,
}

#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        use_effect_with((), move |_| {
            if let Some(first) = panel
                .cast::<web_sys::Element>()
                .and_then(|p| {
                    p.query_selector("button, input, textarea, select")
                        .ok()
                        .flatten()
                })
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                let _ = first.focus();
            }
        });
    }
    let onkeydown = {
        let close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                close.emit(());
            }
        })
    };
    let backdrop = {
        let close = props.on_close.clone();
        Callback::from(move |e: MouseEvent| {
            let on_backdrop = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| el.class_name().split(" ").any(|c| c == "backdrop"));
            if on_backdrop {
                close.emit(());
            }
        })
    };
    let close = {
        let close = props.on_close.clone();
        Callback::from(move |_| close.emit(()))
    };
    let id = format!("dlg-{}", props.title.replace(' ', "-").to_lowercase());
    html! {
        <div class="backdrop" onclick={backdrop} {onkeydown}>
            <div class={classes!("dialog", props.wide.then_some("wide"))} role="dialog" aria-modal="true" aria-labelledby={id.clone()} ref={panel}>
                <header>
                    <h2 id={id}>{props.title.clone()}</h2>
                    <button class="tool close" aria-label="Close" onclick={close}>{"✕"}</button>
                </header>
                {props.children.clone()}
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    pub on_pick: Callback<&'static Example>,
    pub on_close: Callback<()>,
    pub current: Option<String>,
}

#[function_component(Gallery)]
pub fn gallery(props: &GalleryProps) -> Html {
    let cards = ALL.iter().map(|ex| {
        let onclick = {
            let pick = props.on_pick.clone();
            let ex: &'static Example = ex;
            Callback::from(move |_| pick.emit(ex))
        };
        let current = props.current.as_deref() == Some(ex.id);
        let kind = if ex.files.iter().any(|(p, _)| p.ends_with("Chart.yaml")) {
            "helm"
        } else if ex.files.iter().any(|(p, _)| p.ends_with("kustomization.yaml")) {
            "kustomize"
        } else {
            "manifest"
        };
        html! {
            <li>
                <button class={classes!("card", current.then_some("current"))} {onclick} data-example={ex.id}>
                    <span class="card-title">{ex.title}<span class={classes!("tag", kind)}>{kind}</span></span>
                    <span class="card-blurb">{ex.blurb}</span>
                    <span class="card-files">{format!("{} file{}", ex.files.len(), if ex.files.len() == 1 { "" } else { "s" })}</span>
                </button>
            </li>
        }
    });
    html! {
        <Modal title="Examples" on_close={props.on_close.clone()} wide=true>
            <p class="lead">{"Each example replaces the workspace (you are asked first if you changed it). Everything renders in your browser."}</p>
            <ul class="gallery">{for cards}</ul>
        </Modal>
    }
}

/// The keyboard shortcuts, as the help dialog lists them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("F1 or Ctrl+/", "This help"),
    ("Alt+E", "Examples gallery"),
    ("Alt+N", "New file"),
    ("Alt+1 / Alt+2 / Alt+3", "Focus files / editor / output"),
    ("Alt+L", "Share: copy the link"),
    ("Alt+T", "Switch theme (auto, light, dark)"),
    ("Alt+W", "Show trailing whitespace"),
    (
        "Ctrl+F, Enter, Shift+Enter, Esc",
        "Find in file, next, previous, close",
    ),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Tab / Shift+Tab", "Indent / outdent with spaces"),
    ("Esc, then Tab", "Leave the editor with the keyboard"),
    ("Esc", "Close a dialog"),
];

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_close: Callback<()>,
}

#[function_component(Help)]
pub fn help(props: &HelpProps) -> Html {
    html! {
        <Modal title="Keyboard shortcuts" on_close={props.on_close.clone()}>
            <table class="shortcuts">
                <tbody>
                { for SHORTCUTS.iter().map(|(k, what)| html! {
                    <tr><td>{ for k.split(" / ").enumerate().map(|(i, part)| html! {
                        <>{ if i > 0 { " / " } else { "" } }<kbd>{part}</kbd></>
                    }) }</td><td>{*what}</td></tr>
                }) }
                </tbody>
            </table>
            <p class="lead">{"Hover or click a line of the rendered output to see which file and line produced it; a click opens it."}</p>
        </Modal>
    }
}

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub link: String,
    pub on_close: Callback<()>,
}

#[function_component(Share)]
pub fn share(props: &ShareProps) -> Html {
    let status = use_state(String::new);
    // Opening the dialog copies the link at once; the button copies it again.
    {
        let (link, status) = (props.link.clone(), status.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                status.set(if crate::browser::copy(&link).await {
                    "Copied to the clipboard.".into()
                } else {
                    "The browser refused the clipboard: select the link and copy it.".into()
                });
            });
        });
    }
    let copy = {
        let (link, status) = (props.link.clone(), status.clone());
        Callback::from(move |_| {
            let (link, status) = (link.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                status.set(if crate::browser::copy(&link).await {
                    "Copied.".into()
                } else {
                    "The browser refused the clipboard: select the link and copy it.".into()
                });
            });
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(i) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            i.select();
        }
    });
    html! {
        <Modal title="Share" on_close={props.on_close.clone()}>
            <p class="lead">{format!("The link holds the whole workspace and its settings ({} characters), compressed in the part after #, which browsers never send to a server.", props.link.len())}</p>
            <div class="row-input">
                <input type="text" readonly=true value={props.link.clone()} aria-label="Share link" onfocus={select_all} data-testid="share-link" />
                <button class="primary" onclick={copy}>{"Copy link"}</button>
            </div>
            <p class="status" aria-live="polite">{(*status).clone()}</p>
        </Modal>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    /// The page's URL without query and fragment.
    pub base: String,
    /// The encoded workspace.
    pub data: String,
    pub on_close: Callback<()>,
}

#[function_component(EmbedSnippet)]
pub fn embed_snippet(props: &EmbedProps) -> Html {
    let files = use_state(|| false);
    let editor = use_state(|| true);
    let output = use_state(|| true);
    let readonly = use_state(|| false);
    let status = use_state(String::new);
    let mut panes = Vec::new();
    if *files {
        panes.push("files");
    }
    if *editor {
        panes.push("editor");
    }
    if *output {
        panes.push("output");
    }
    let mut query = format!("?embed&panes={}", panes.join(","));
    if *readonly {
        query.push_str("&readonly");
    }
    let src = format!("{}{query}#w={}", props.base, props.data);
    let snippet = format!(
        "<iframe src=\"{src}\" title=\"kubeplay\" width=\"100%\" height=\"420\" style=\"border:1px solid #d0d7de;border-radius:6px\" loading=\"lazy\"></iframe>"
    );
    let toggle = |s: &UseStateHandle<bool>| {
        let s = s.clone();
        Callback::from(move |_| s.set(!*s))
    };
    let copy = {
        let (snippet, status) = (snippet.clone(), status.clone());
        Callback::from(move |_| {
            let (snippet, status) = (snippet.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                status.set(if crate::browser::copy(&snippet).await {
                    "Copied.".into()
                } else {
                    "Select the snippet and copy it.".into()
                });
            });
        })
    };
    html! {
        <Modal title="Embed" on_close={props.on_close.clone()} wide=true>
            <p class="lead">{"Put this workspace on a documentation page: choose the panes, then paste the snippet. The page loads from this site and runs in the reader's browser."}</p>
            <div class="choices" role="group" aria-label="Panes">
                <label class="check"><input type="checkbox" checked={*files} onchange={toggle(&files)} />{"Files"}</label>
                <label class="check"><input type="checkbox" checked={*editor} onchange={toggle(&editor)} />{"Editor"}</label>
                <label class="check"><input type="checkbox" checked={*output} onchange={toggle(&output)} />{"Output"}</label>
                <label class="check"><input type="checkbox" checked={*readonly} onchange={toggle(&readonly)} />{"Read-only"}</label>
            </div>
            <textarea class="snippet" readonly=true rows="4" aria-label="iframe snippet" value={snippet} data-testid="embed-snippet" />
            <div class="row-input">
                <button class="primary" onclick={copy}>{"Copy snippet"}</button>
                <a href={src} target="_blank" rel="noopener">{"Preview"}</a>
                <span class="status" aria-live="polite">{(*status).clone()}</span>
            </div>
        </Modal>
    }
}
