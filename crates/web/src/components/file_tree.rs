//! The workspace's files and folders: open, create, rename, delete, upload, download.

use crate::workspace::file_name;
use std::collections::BTreeSet;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the user asked the tree to do; the app applies it to the workspace.
#[derive(Debug, Clone, PartialEq)]
pub enum FileOp {
    Open(String),
    NewFile(String),
    NewFolder(String),
    Rename(String),
    Delete(String),
    /// The chosen files (copied out of the input, which is then cleared for the next pick).
    Upload(Vec<web_sys::File>),
    Download,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub files: Vec<String>,
    pub folders: BTreeSet<String>,
    pub selected: String,
    #[prop_or_default]
    pub readonly: bool,
    pub on_op: Callback<FileOp>,
}

fn depth(path: &str) -> usize {
    path.matches('/').count().saturating_sub(1)
}

#[function_component(FileTree)]
pub fn file_tree(props: &Props) -> Html {
    let upload_files = use_node_ref();
    let upload_folder = use_node_ref();
    let upload_chart = use_node_ref();
    let op = |make: fn(String) -> FileOp, path: &str| {
        let (cb, path) = (props.on_op.clone(), path.to_string());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(make(path.clone()))
        })
    };
    // Folders and files, in one path-ordered list; a folder sorts before its contents.
    let mut entries: Vec<(String, bool)> = props
        .folders
        .iter()
        .map(|d| (d.clone(), true))
        .chain(props.files.iter().map(|f| (f.clone(), false)))
        .collect();
    entries.sort_by_cached_key(|(path, is_dir)| {
        // Each component ranks folders (0) before files (1) among siblings.
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let last = parts.len() - 1;
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| (u8::from(i == last && !*is_dir), p.to_string()))
            .collect::<Vec<_>>()
    });
    let rows = entries.iter().map(|(path, is_dir)| {
        let pad = format!("padding-left: {}px", 12 + depth(path) * 14);
        let name = file_name(path);
        let actions = (!props.readonly).then(|| {
            html! {
                <span class="row-actions">
                    if *is_dir {
                        <button class="tool" title={format!("New file in {name}")} aria-label={format!("New file in {path}")}
                            onclick={op(FileOp::NewFile, path)}>{"+"}</button>
                    }
                    <button class="tool" title="Rename" aria-label={format!("Rename {path}")} onclick={op(FileOp::Rename, path)}>{"✎"}</button>
                    <button class="tool" title="Delete" aria-label={format!("Delete {path}")} onclick={op(FileOp::Delete, path)}>{"✕"}</button>
                </span>
            }
        });
        if *is_dir {
            html! {
                <li key={format!("d:{path}")} class="row dir" style={pad} title={path.clone()}>
                    <span class="icon" aria-hidden="true">{"▾"}</span>
                    <span class="name">{format!("{name}/")}</span>
                    {for actions}
                </li>
            }
        } else {
            let selected = path == &props.selected;
            let class = classes!("row", "file", selected.then_some("selected"));
            html! {
                <li key={path.clone()} {class} style={pad}>
                    <button class="open" onclick={op(FileOp::Open, path)} title={path.clone()}
                        aria-current={selected.then_some("true")} data-path={path.clone()}>
                        <span class={classes!("icon", icon(path))} aria-hidden="true"></span>
                        {name}
                    </button>
                    {for actions}
                </li>
            }
        }
    });
    let click = |r: &NodeRef| {
        let r = r.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = r.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_files = {
        let cb = props.on_op.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                if let Some(list) = input.files() {
                    let files: Vec<web_sys::File> =
                        (0..list.length()).filter_map(|i| list.get(i)).collect();
                    if !files.is_empty() {
                        cb.emit(FileOp::Upload(files));
                    }
                }
                input.set_value("");
            }
        })
    };
    html! {
        <nav class="pane file-tree" aria-label="Files">
            <div class="pane-title">
                {"Files"}
                <span class="hint">{format!("{}", props.files.len())}</span>
            </div>
            if !props.readonly {
                <div class="tree-tools" role="toolbar" aria-label="File actions">
                    <button class="tool" title="New file (Alt+N)" aria-label="New file" onclick={op(FileOp::NewFile, "/")}>{"+ File"}</button>
                    <button class="tool" title="New folder" aria-label="New folder" onclick={op(FileOp::NewFolder, "/")}>{"+ Folder"}</button>
                    <button class="tool" title="Upload files" aria-label="Upload files" onclick={click(&upload_files)}>{"⇪ Files"}</button>
                    <button class="tool" title="Upload a folder" aria-label="Upload a folder" onclick={click(&upload_folder)}>{"⇪ Folder"}</button>
                    <button class="tool" title="Upload a chart archive (.tgz)" aria-label="Upload a chart archive" onclick={click(&upload_chart)}>{"⇪ .tgz"}</button>
                    <button class="tool" title="Download the workspace as .zip" aria-label="Download as zip"
                        onclick={let cb = props.on_op.clone(); Callback::from(move |_| cb.emit(FileOp::Download))}>{"⇩ .zip"}</button>
                    <input ref={upload_files} type="file" multiple=true hidden=true onchange={on_files.clone()} data-upload="files" />
                    <input ref={upload_folder} type="file" multiple=true hidden=true webkitdirectory=true onchange={on_files.clone()} data-upload="folder" />
                    <input ref={upload_chart} type="file" accept=".tgz,.tar.gz,application/gzip" hidden=true onchange={on_files} data-upload="chart" />
                </div>
            }
            <ul class="tree">{for rows}</ul>
        </nav>
    }
}

fn icon(path: &str) -> &'static str {
    let name = file_name(path);
    if name.starts_with("kustomization.") || name == "Kustomization" {
        "i-kust"
    } else if name == "Chart.yaml" {
        "i-chart"
    } else if name.ends_with(".tpl") || path.contains("/templates/") {
        "i-tmpl"
    } else if crate::render::is_yaml(name) {
        "i-yaml"
    } else {
        "i-text"
    }
}
