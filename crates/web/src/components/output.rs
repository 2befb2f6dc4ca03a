//! The rendered output: what the engine produced, which engine, how long it took.

use crate::render::ObjectSummary;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct OutputView {
    pub engine: &'static str,
    pub text: String,
    pub objects: Vec<ObjectSummary>,
    pub took_ms: f64,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Option<OutputView>,
    /// The input is broken: the view is the last good render.
    pub stale: bool,
}

#[function_component(OutputPane)]
pub fn output_pane(props: &Props) -> Html {
    let Some(view) = &props.view else {
        return html! {
            <section class="pane output" aria-label="Rendered output">
                <div class="pane-title">{"Rendered"}</div>
                <p class="empty">{"Nothing rendered yet: fix the problems below."}</p>
            </section>
        };
    };
    let objects = view.objects.iter().map(|o| {
        html! { <li><span class="kind">{&o.kind}</span>{" "}<span class="name">{&o.name}</span></li> }
    });
    html! {
        <section class={classes!("pane", "output", props.stale.then_some("stale"))} aria-label="Rendered output">
            <div class="pane-title">
                {"Rendered"}
                <span class="engine">{view.engine}</span>
                <span class="meta">{format!("{} object{} · {:.1} ms", view.objects.len(), if view.objects.len() == 1 { "" } else { "s" }, view.took_ms)}</span>
                if props.stale {
                    <span class="badge stale" title="The input has errors; this is the last good output">{"stale"}</span>
                }
            </div>
            <ul class="objects">{for objects}</ul>
            <pre class="yaml" data-testid="rendered">{&view.text}</pre>
        </section>
    }
}
