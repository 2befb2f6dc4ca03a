//! The page: file tree, editor and rendered output side by side, problems below.

use crate::components::editor::{Editor, JumpTo};
use crate::components::file_tree::FileTree;
use crate::components::output::{OutputPane, OutputView};
use crate::components::problems::Problems;
use crate::render::{render_manifests, Diagnostic, Rendered};
use crate::{examples, storage};
use yew::prelude::*;

/// Milliseconds from the page's performance clock (0 where there is none).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

#[function_component(App)]
pub fn app() -> Html {
    let workspace = use_state(|| storage::load().unwrap_or_else(|| examples::DEFAULT.workspace()));
    let save_error = use_state(|| None::<String>);
    let jump = use_state(|| None::<JumpTo>);
    // The last successful render stays on screen, marked stale, while the input is broken.
    let last_good = use_mut_ref(|| None::<OutputView>);

    {
        let save_error = save_error.clone();
        use_effect_with((*workspace).clone(), move |ws| {
            save_error.set(storage::save(ws).err());
        });
    }

    let selected = workspace.selected.clone();
    let text = workspace.selected_text().to_string();
    let (rendered, took_ms) = {
        let (file, text) = (selected.clone(), text.clone());
        (*use_memo((file, text), |(file, text)| {
            let start = now_ms();
            let rendered = render_manifests(file, text);
            (rendered, now_ms() - start)
        }))
        .clone()
    };

    let (view, diagnostics, stale) = match rendered {
        Rendered::Output {
            engine,
            text,
            objects,
        } => {
            let view = OutputView {
                engine,
                text,
                objects,
                took_ms,
            };
            *last_good.borrow_mut() = Some(view.clone());
            (Some(view), Vec::<Diagnostic>::new(), false)
        }
        Rendered::Failed(diags) => (last_good.borrow().clone(), diags, true),
    };

    let on_input = {
        let workspace = workspace.clone();
        Callback::from(move |text: String| {
            let mut next = (*workspace).clone();
            next.edit_selected(text);
            workspace.set(next);
        })
    };
    let on_select = {
        let workspace = workspace.clone();
        Callback::from(move |path: String| {
            let mut next = (*workspace).clone();
            next.select(&path);
            workspace.set(next);
        })
    };
    let on_jump = {
        let jump = jump.clone();
        let workspace = workspace.clone();
        Callback::from(move |d: Diagnostic| {
            if d.file != workspace.selected {
                let mut next = (*workspace).clone();
                next.select(&d.file);
                workspace.set(next);
            }
            let serial = jump.as_ref().map_or(0, |j| j.serial + 1);
            jump.set(Some(JumpTo {
                line: d.line.max(1),
                column: d.column.max(1),
                serial,
            }));
        })
    };

    let paths: Vec<String> = workspace.files.keys().cloned().collect();
    html! {
        <div class="app">
            <header class="topbar">
                <span class="brand">{"kubeplay"}</span>
                <span class="tagline">{"Kubernetes playground: manifests, probes, GitOps — all in your browser"}</span>
                if let Some(err) = &*save_error {
                    <span class="save-error" role="alert">
                        {format!("Edits are not being saved in this browser: {err}")}
                    </span>
                }
            </header>
            <main class="panes">
                <FileTree paths={paths} selected={selected.clone()} on_select={on_select} />
                <Editor
                    path={selected.clone()}
                    text={text}
                    diagnostics={diagnostics.clone()}
                    jump={(*jump).clone()}
                    on_input={on_input}
                />
                <OutputPane view={view} stale={stale} />
            </main>
            <Problems diagnostics={diagnostics} on_jump={on_jump} />
        </div>
    }
}
