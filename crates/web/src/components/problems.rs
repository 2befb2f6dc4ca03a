//! The problems panel: errors (what stopped the render) and schema warnings (what the API
//! server would reject), each located; a click jumps to the place.

use crate::render::{Diagnostic, Warning};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub diagnostics: Vec<Diagnostic>,
    #[prop_or_default]
    pub warnings: Vec<Warning>,
    pub on_jump: Callback<Diagnostic>,
    /// A warning's line in the rendered output.
    #[prop_or_default]
    pub on_warning: Callback<usize>,
}

#[function_component(Problems)]
pub fn problems(props: &Props) -> Html {
    let errors = props.diagnostics.len();
    let warnings = props.warnings.len();
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
    let warns = props.warnings.iter().map(|w| {
        let onclick = {
            let cb = props.on_warning.clone();
            let line = w.line;
            Callback::from(move |_| cb.emit(line))
        };
        html! {
            <li>
                <button class="problem warning" {onclick}>
                    <span class="sev warn">{"warning"}</span>
                    <span class="place">{format!("output:{}", w.line)}</span>
                    <span class="message">{&w.message}</span>
                </button>
            </li>
        }
    });
    html! {
        <section class="problems" aria-label="Problems" aria-live="polite">
            <div class="pane-title">
                {"Problems"}
                <span class={classes!("count", (errors > 0).then_some("bad"))} title="errors">{errors}</span>
                if warnings > 0 {
                    <span class="count warnc" title="schema warnings">{format!("{warnings} warning{}", if warnings == 1 { "" } else { "s" })}</span>
                }
            </div>
            if errors + warnings == 0 {
                <p class="none">{"No problems."}</p>
            } else {
                <ul>{for items}{for warns}</ul>
            }
        </section>
    }
}
