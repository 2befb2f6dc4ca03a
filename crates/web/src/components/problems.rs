//! The problems panel: every diagnostic, located; a click jumps to it in the editor.

use crate::render::Diagnostic;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub diagnostics: Vec<Diagnostic>,
    pub on_jump: Callback<Diagnostic>,
}

#[function_component(Problems)]
pub fn problems(props: &Props) -> Html {
    let count = props.diagnostics.len();
    let items = props.diagnostics.iter().map(|d| {
        let onclick = {
            let on_jump = props.on_jump.clone();
            let d = d.clone();
            Callback::from(move |_| on_jump.emit(d.clone()))
        };
        let place = if d.line == 0 {
            d.file.clone()
        } else {
            format!("{}:{}:{}", d.file, d.line, d.column)
        };
        html! {
            <li>
                <button class="problem" {onclick}>
                    <span class="sev error">{"error"}</span>
                    <span class="place">{place}</span>
                    <span class="message">{&d.message}</span>
                </button>
            </li>
        }
    });
    html! {
        <section class="problems" aria-label="Problems" aria-live="polite">
            <div class="pane-title">
                {"Problems"}
                <span class={classes!("count", (count > 0).then_some("bad"))}>{count}</span>
            </div>
            if count == 0 {
                <p class="none">{"No problems."}</p>
            } else {
                <ul>{for items}</ul>
            }
        </section>
    }
}
