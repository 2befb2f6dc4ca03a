//! The probe timeline of a pod: a time axis; per container and probe kind, each result
//! (success, failure, timeout); Ready and ContainersReady over time; restarts and back-off
//! windows; phase changes; and every event, whose exact text shows on hover and in the list.

use super::status::offset_text;
use kubeplay_session::live::views::probe_timeline::{Axis, Interval, ProbeOutcome, ProbeTimeline};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub timeline: Rc<ProbeTimeline>,
}

fn pct(axis: &Axis, t: u64) -> f64 {
    axis.fraction(t) * 100.0
}

fn outcome(o: ProbeOutcome) -> (&'static str, &'static str) {
    match o {
        ProbeOutcome::Success => ("ok", "success"),
        ProbeOutcome::Failure => ("bad", "failure"),
        ProbeOutcome::Timeout => ("timeout", "timeout"),
        ProbeOutcome::Error => ("unknown", "error"),
        ProbeOutcome::Warning => ("busy", "warning"),
    }
}

fn bars(axis: &Axis, intervals: &[Interval], class: &'static str, label: &str) -> Html {
    html! {
        {for intervals.iter().map(|i| {
            let left = pct(axis, i.start);
            let width = (pct(axis, i.end) - left).max(0.4);
            let title = format!("{label} from {} to {}", offset_text(i.start), if i.open { "now".to_string() } else { offset_text(i.end) });
            html! { <span class={classes!("tl-bar", class)} style={format!("left:{left:.3}%;width:{width:.3}%")} {title}></span> }
        })}
    }
}

fn row(label: String, sub: &'static str, content: Html) -> Html {
    html! {
        <div class="tl-row">
            <div class="tl-label">{label}<span class="muted">{sub}</span></div>
            <div class="tl-track">{content}</div>
        </div>
    }
}

#[function_component(Timeline)]
pub fn timeline(p: &Props) -> Html {
    let t = &p.timeline;
    let a = &t.axis;
    let ticks = a.ticks.iter().map(|(at, label)| {
        html! { <span class="tl-tick" style={format!("left:{:.3}%", pct(a, *at))}>{label}</span> }
    });
    let phases = t.phases.iter().map(|ph| {
        html! { <span class={classes!("tl-phase", ph.phase.to_lowercase())} style={format!("left:{:.3}%", pct(a, ph.at))}
            title={format!("{} at {}", ph.phase, offset_text(ph.at))}>{&ph.phase}</span> }
    });
    let series = t.series.iter().map(|s| {
        let backoffs = t.back_offs.iter().filter(|b| b.container == s.container).map(|b| {
            let left = pct(a, b.interval.start);
            let width = (pct(a, b.interval.end) - left).max(0.4);
            html! { <span class="tl-backoff" style={format!("left:{left:.3}%;width:{width:.3}%")} title={b.text.clone()}></span> }
        });
        let marks = s.marks.iter().map(|m| {
            let (class, word) = outcome(m.outcome);
            let inferred = if m.inferred { " (inferred)" } else { "" };
            if m.count > 1 {
                // A thinned run: one bar over its span, its count and span in the hover text.
                let left = pct(a, m.at);
                let width = (pct(a, m.until) - left).max(0.4);
                let title = format!("{} {}: {} × {word} from {} to {}{inferred}\n{}", s.container, s.kind.label(), m.count,
                    offset_text(m.at), offset_text(m.until), m.text);
                return html! { <span class={classes!("tl-mark", "tl-run", class, m.inferred.then_some("inferred"))}
                    style={format!("left:{left:.3}%;width:{width:.3}%")} {title} data-outcome={word} data-count={m.count.to_string()}></span> };
            }
            let title = format!("{} {} {word} at {}{inferred}\n{}", s.container, s.kind.label(), offset_text(m.at), m.text);
            html! { <span class={classes!("tl-mark", class, m.inferred.then_some("inferred"))}
                style={format!("left:{:.3}%", pct(a, m.at))} {title} data-outcome={word}></span> }
        });
        row(format!("{} ", s.container), match s.kind.label() {
            "Startup" => "startup",
            "Liveness" => "liveness",
            _ => "readiness",
        }, html! { <>{for backoffs}{for marks}</> })
    });
    // Containers without probes still back off: their windows get a row of their own.
    let mut bare: Vec<&str> = Vec::new();
    for b in &t.back_offs {
        if !t.series.iter().any(|s| s.container == b.container)
            && !bare.contains(&b.container.as_str())
        {
            bare.push(&b.container);
        }
    }
    let bare_rows = bare.into_iter().map(|c| {
        let windows = t.back_offs.iter().filter(|b| b.container == c).map(|b| {
            let left = pct(a, b.interval.start);
            let width = (pct(a, b.interval.end) - left).max(0.4);
            html! { <span class="tl-backoff" style={format!("left:{left:.3}%;width:{width:.3}%")} title={b.text.clone()}></span> }
        });
        row(format!("{c} "), "back-off", html! { <>{for windows}</> })
    });
    let restarts = t.restarts.iter().map(|r| {
        let title = format!("{} restarted at {} (restart #{}){}", r.container, offset_text(r.at), r.restart_count,
            r.cause.as_ref().map(|c| format!("\n{c}")).unwrap_or_default());
        html! { <span class="tl-restart" style={format!("left:{:.3}%", pct(a, r.at))} {title}>{"↻"}</span> }
    });
    let events = t.events.iter().map(|e| {
        let title = format!("{} {}: {}", offset_text(e.at), e.reason, e.message);
        html! { <span class={classes!("tl-event", e.warning.then_some("warning"))} style={format!("left:{:.3}%", pct(a, e.at))} {title}></span> }
    });
    let list = t.events.iter().rev().map(|e| {
        html! {
            <tr class={classes!(e.warning.then_some("warning"))}>
                <td class="mono">{offset_text(e.at)}</td>
                <td>{&e.reason}</td>
                <td class="muted">{e.container.clone().unwrap_or_default()}</td>
                <td class="msg">{&e.message}</td>
            </tr>
        }
    });
    html! {
        <div class="timeline" aria-label={format!("Probe timeline of {}", t.pod)}>
            <div class="tl-legend">
                <span><span class="tl-mark ok"></span>{"success"}</span>
                <span><span class="tl-mark ok inferred"></span>{"inferred success"}</span>
                <span><span class="tl-mark ok tl-run" style="width: 22px"></span>{"run of results"}</span>
                <span><span class="tl-mark bad"></span>{"failure"}</span>
                <span><span class="tl-mark timeout"></span>{"timeout"}</span>
                <span><span class="tl-backoff legend"></span>{"back-off"}</span>
                <span class="tl-restart">{"↻"}</span><span>{"restart"}</span>
            </div>
            <div class="tl-grid">
                {row("".into(), "", html! { <div class="tl-axis">{for ticks}</div> })}
                {row("Phase".into(), "", html! { <>{for phases}</> })}
                {for series}
                {for bare_rows}
                {row("Ready".into(), "", bars(a, &t.ready, "ready", "Ready"))}
                {row("ContainersReady".into(), "", bars(a, &t.containers_ready, "cready", "ContainersReady"))}
                {row("Restarts".into(), "", html! { <>{for restarts}</> })}
                {row("Events".into(), "", html! { <>{for events}</> })}
            </div>
            <table class="events tl-events">
                <thead><tr><th>{"At"}</th><th>{"Reason"}</th><th>{"Container"}</th><th>{"Message"}</th></tr></thead>
                <tbody>{for list}</tbody>
            </table>
        </div>
    }
}
