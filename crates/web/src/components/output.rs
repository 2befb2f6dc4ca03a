//! The rendered output: what the engine produced, which engine, how long it took, the helm
//! settings, an outline of the objects, and each line's provenance (hover or click a line).

use crate::highlight;
use crate::provenance::Origin;
use crate::render::{Output, Target};
use crate::workspace::Settings;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct OutputView {
    pub output: Output,
    pub took_ms: f64,
}

/// A change to the render settings from the output pane.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsChange {
    Target(Option<String>),
    Release(String),
    Namespace(String),
    ValuesFile(String, bool),
    Set(String),
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Option<OutputView>,
    /// The input is broken: the view is the last good render.
    pub stale: bool,
    /// A newer render is on its way from the engine worker (the view trails the input).
    #[prop_or_default]
    pub busy: bool,
    /// Why nothing renders (no target), if so.
    #[prop_or_default]
    pub idle: Option<String>,
    pub targets: Vec<Target>,
    pub current: Option<Target>,
    pub settings: Settings,
    /// Values files of the current chart besides values.yaml.
    pub values_candidates: Vec<String>,
    pub on_settings: Callback<SettingsChange>,
    /// Asks for the origins of a rendered line; the engine answers later, through the given
    /// callback.
    pub origins: Callback<(usize, Callback<Vec<Origin>>)>,
    pub on_origin: Callback<Origin>,
    /// A line to mark and scroll to (from a warning or the outline).
    #[prop_or_default]
    pub focus_line: Option<(usize, u64)>,
    #[prop_or_default]
    pub compact: bool,
}

fn short(path: &str) -> &str {
    path.trim_start_matches('/')
}

#[function_component(OutputPane)]
pub fn output_pane(props: &Props) -> Html {
    let hovered = use_state(|| None::<(usize, Vec<Origin>)>);
    // The newest question (its serial and line): only its answer is drawn, so a hover that
    // moved on while the engine worked never shows a stale line's origins.
    let asking = use_mut_ref(|| (0u64, None::<usize>));
    let picked = use_state(|| None::<usize>);
    let body = use_node_ref();

    {
        let (body, picked) = (body.clone(), picked.clone());
        use_effect_with(props.focus_line, move |focus| {
            if let (Some((line, _)), Some(el)) = (focus, body.cast::<web_sys::Element>()) {
                picked.set(Some(*line));
                el.set_scroll_top(((*line as i32) - 4).max(0) * 20);
            }
        });
    }

    let title_target = {
        let on = props.on_settings.clone();
        let onchange = Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                let v = sel.value();
                on.emit(SettingsChange::Target((!v.is_empty()).then_some(v)));
            }
        });
        let pinned = props.settings.target.clone().unwrap_or_default();
        let follow = match &props.current {
            Some(t) if props.settings.target.is_none() => format!("Open file: {}", short(t.path())),
            _ => "Follow the open file".to_string(),
        };
        html! {
            <select class="target" aria-label="What to render" {onchange} title="What to render">
                <option value="" selected={pinned.is_empty()}>{follow}</option>
                { for props.targets.iter().map(|t| {
                    let label = match t {
                        Target::Kustomize(d) => format!("kustomize build {}", short(d)),
                        Target::Helm(d) => format!("helm template {}", short(d)),
                        Target::Plain(f) => short(f).to_string(),
                    };
                    html! { <option value={t.path().to_string()} selected={pinned == t.path()}>{label}</option> }
                }) }
            </select>
        }
    };

    let helm_controls = match &props.current {
        Some(Target::Helm(_)) if !props.compact => {
            let s = &props.settings;
            let text = |make: fn(String) -> SettingsChange| {
                let on = props.on_settings.clone();
                Callback::from(move |e: InputEvent| {
                    let t = e.target();
                    let v = t
                        .clone()
                        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                        .map(|i| i.value())
                        .or_else(|| {
                            t.and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
                                .map(|a| a.value())
                        })
                        .unwrap_or_default();
                    on.emit(make(v));
                })
            };
            let files = props.values_candidates.iter().map(|f| {
                let on = props.on_settings.clone();
                let file = f.clone();
                let checked = s.values_files.contains(f);
                let onchange = Callback::from(move |e: Event| {
                    if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                        on.emit(SettingsChange::ValuesFile(file.clone(), i.checked()));
                    }
                });
                html! {
                    <label class="check"><input type="checkbox" {checked} {onchange} />{crate::workspace::file_name(f)}</label>
                }
            });
            html! {
                <div class="helm-controls" role="group" aria-label="helm template options">
                    <label>{"Release"}<input type="text" value={s.release.clone()} oninput={text(SettingsChange::Release)} aria-label="Release name" spellcheck="false" /></label>
                    <label>{"Namespace"}<input type="text" value={s.namespace.clone()} oninput={text(SettingsChange::Namespace)} aria-label="Namespace" spellcheck="false" /></label>
                    <span class="values-files" role="group" aria-label="Values files">
                        <span class="label">{"-f"}</span>
                        <span class="check fixed" title="Always applied">{"values.yaml"}</span>
                        {for files}
                    </span>
                    <label class="set">{"--set"}<textarea rows="1" value={s.set.clone()} oninput={text(SettingsChange::Set)}
                        aria-label="--set overrides, one per line" placeholder="replicaCount=2" spellcheck="false" /></label>
                </div>
            }
        }
        _ => html! {},
    };

    let head = |extra: Html| {
        html! {
            <div class="pane-title">
                {"Rendered"}
                {title_target.clone()}
                {extra}
            </div>
        }
    };

    let Some(view) = &props.view else {
        let message = props
            .idle
            .clone()
            .unwrap_or_else(|| "Nothing rendered yet: fix the problems below.".into());
        return html! {
            <section class="pane output" aria-label="Rendered output" aria-busy={props.busy.to_string()}>
                {head(html! {})}
                {helm_controls}
                <p class="empty">{message}</p>
            </section>
        };
    };
    let out = &view.output;
    let n = out.objects.len();

    let outline = out.objects.iter().map(|o| {
        let line = o.line;
        let onclick = {
            let picked = picked.clone();
            let body = body.clone();
            Callback::from(move |_| {
                picked.set(Some(line));
                if let Some(el) = body.cast::<web_sys::Element>() {
                    el.set_scroll_top(((line as i32) - 2).max(0) * 20);
                }
            })
        };
        let source = (!o.source.is_empty()).then(|| {
            let s = o.source.split_once('/').map_or(o.source.as_str(), |(_, r)| r);
            html! { <span class="src">{s}</span> }
        });
        html! {
            <li><button {onclick} title={format!("Go to line {line} of the output")}>
                {for source}<span class="kind">{&o.kind}</span>{" "}<span class="name">{&o.name}</span>
            </button></li>
        }
    });

    // The output, highlighted, one element per line (for hover and click).
    let hl = highlight::highlight(&out.text, &highlight::Options::default());
    let mut html_lines = String::with_capacity(hl.len() + out.text.len());
    let lines: Vec<&str> = hl.trim_end_matches(' ').split('\n').collect();
    let line_total = if out.text.ends_with('\n') {
        lines.len().saturating_sub(1)
    } else {
        lines.len()
    };
    for (i, l) in lines.iter().take(line_total).enumerate() {
        let num = i + 1;
        let warn = out.warnings.iter().find(|w| w.line == num);
        html_lines.push_str("<div class=\"ol");
        if warn.is_some() {
            html_lines.push_str(" warn");
        }
        if *picked == Some(num) {
            html_lines.push_str(" picked");
        }
        html_lines.push_str(&format!("\" data-line=\"{num}\""));
        if let Some(w) = warn {
            html_lines.push_str(" title=\"");
            highlight::escape_into(&w.message, &mut html_lines);
            html_lines.push('"');
        }
        html_lines.push('>');
        html_lines.push_str(l);
        html_lines.push_str("\n</div>");
    }

    let line_at = |e: &MouseEvent| -> Option<usize> {
        let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
        let line = el.closest("[data-line]").ok()??;
        line.get_attribute("data-line")?.parse().ok()
    };
    // Asks for `line`'s origins; `then` gets them if no newer question was asked meanwhile.
    let ask = {
        let (asking, origins) = (asking.clone(), props.origins.clone());
        move |line: usize, then: Box<dyn Fn(Vec<Origin>)>| {
            let serial = {
                let mut a = asking.borrow_mut();
                *a = (a.0 + 1, Some(line));
                a.0
            };
            let asking = asking.clone();
            origins.emit((
                line,
                Callback::from(move |found: Vec<Origin>| {
                    let current = asking.borrow().0 == serial;
                    if current {
                        asking.borrow_mut().1 = None;
                        then(found);
                    }
                }),
            ));
        }
    };
    let onmouseover = {
        let (hovered, asking, ask) = (hovered.clone(), asking.clone(), ask.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(line) = line_at(&e) {
                let shown = hovered.as_ref().map(|h| h.0) == Some(line);
                if !shown && asking.borrow().1 != Some(line) {
                    let hovered = hovered.clone();
                    ask(
                        line,
                        Box::new(move |found| hovered.set(Some((line, found)))),
                    );
                }
            }
        })
    };
    let onclick = {
        let (picked, on_origin, hovered) =
            (picked.clone(), props.on_origin.clone(), hovered.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(line) = line_at(&e) {
                picked.set(Some(line));
                let (on_origin, hovered) = (on_origin.clone(), hovered.clone());
                ask(
                    line,
                    Box::new(move |found| {
                        if let Some(first) = found.first() {
                            on_origin.emit(first.clone());
                        }
                        hovered.set(Some((line, found)));
                    }),
                );
            }
        })
    };

    let provenance = match &*hovered {
        Some((line, origins)) => {
            let items = origins.iter().map(|o| {
                let on = props.on_origin.clone();
                let o2 = o.clone();
                html! {
                    <button class="origin" onclick={Callback::from(move |_| on.emit(o2.clone()))}
                        title={format!("Open {} at line {}", o.file, o.line)}>
                        <span class="role">{o.role.as_str()}</span>{format!("{}:{}", short(&o.file), o.line)}
                    </button>
                }
            });
            html! {
                <div class="provenance" aria-live="polite" data-testid="provenance">
                    <span class="label">{format!("Line {line} ←")}</span>
                    if origins.is_empty() {
                        <span class="none">{"no source found (made by the engine)"}</span>
                    } else {
                        {for items}
                    }
                </div>
            }
        }
        None => html! {
            <div class="provenance hint-only">{"Hover or click a line to see which file and line produced it."}</div>
        },
    };

    html! {
        <section class={classes!("pane", "output", props.stale.then_some("stale"))} aria-label="Rendered output" aria-busy={props.busy.to_string()}>
            {head(html! {
                <>
                    <span class="engine" data-testid="engine">{out.target.engine()}</span>
                    <span class="meta" data-testid="engine-time" data-ms={format!("{:.3}", view.took_ms)}>{format!("{n} object{} · {:.1} ms", if n == 1 { "" } else { "s" }, view.took_ms)}</span>
                    if !out.warnings.is_empty() {
                        <span class="badge warn" title="Schema warnings: see Problems">{format!("{} warning{}", out.warnings.len(), if out.warnings.len() == 1 { "" } else { "s" })}</span>
                    }
                    if props.stale {
                        <span class="badge stale" title="The input has errors; this is the last good output">{"stale"}</span>
                    }
                </>
            })}
            {helm_controls}
            <ul class="objects" aria-label="Outline">{for outline}</ul>
            <pre class="yaml" data-testid="rendered" ref={body} {onmouseover} {onclick}>{Html::from_html_unchecked(html_lines.into())}</pre>
            {provenance}
            if let Some(notes) = &out.notes {
                if !notes.trim().is_empty() && !props.compact {
                    <details class="notes"><summary>{"NOTES.txt"}</summary><pre>{notes}</pre></details>
                }
            }
        </section>
    }
}
