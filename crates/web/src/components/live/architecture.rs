//! Argo CD's architecture, live: the API server, repository server, application controller
//! and Redis cache (with Git and the cluster) as boxes that light up as they work (render,
//! cache hit, compare, sync), arrows for the flow, and the last operations listed.

use super::status::offset_text;
use kubeplay_session::live::views::architecture::{ArchitectureView, BOX_H, BOX_W};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<ArchitectureView>,
}

#[function_component(ArchitecturePanel)]
pub fn architecture_panel(p: &Props) -> Html {
    let v = &p.view;
    let arrows = v.arrows.iter().map(|a| {
        let [(x1, y1), (x2, y2)] = a.points;
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        html! {
            <g class="arch-arrow" style={format!("--glow:{:.2}", a.glow)}>
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} marker-end="url(#arch-head)" />
                <text x={mx.to_string()} y={(my - 6.0).to_string()} text-anchor="middle">{a.label.clone()}</text>
            </g>
        }
    });
    let boxes = v.boxes.iter().map(|b| {
        let counts: Vec<String> = b.counts.iter().map(|(w, c)| format!("{} {c}", w.label())).collect();
        let max = b.histogram.iter().copied().max().unwrap_or(0).max(1) as f32;
        let bw = (BOX_W - 24.0) / b.histogram.len() as f32;
        let hist = b.histogram.iter().enumerate().map(|(i, n)| {
            let h = 14.0 * *n as f32 / max;
            html! { <rect x={(b.x + 12.0 + i as f32 * bw).to_string()} y={(b.y + BOX_H - 8.0 - h).to_string()}
                width={(bw - 1.5).to_string()} height={h.to_string()} /> }
        });
        let title = format!("{}\n{}{}", b.title, b.role, b.last_message.as_ref().map(|m| format!("\nlast: {m}")).unwrap_or_default());
        html! {
            <g class={classes!("arch-box", (b.glow > 0.0).then_some("lit"))} style={format!("--glow:{:.2}", b.glow)} data-box={format!("{:?}", b.id)}>
                <title>{title}</title>
                <rect class="arch-rect" x={b.x.to_string()} y={b.y.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="10" />
                <text class="arch-title" x={(b.x + 12.0).to_string()} y={(b.y + 22.0).to_string()}>{b.title.clone()}</text>
                <text class="arch-role" x={(b.x + 12.0).to_string()} y={(b.y + 40.0).to_string()}>{b.role.clone()}</text>
                <text class="arch-work" x={(b.x + 12.0).to_string()} y={(b.y + 58.0).to_string()}>
                    {if counts.is_empty() { "idle".to_string() } else { counts.join(" · ") }}
                </text>
                <g class="arch-hist">{for hist}</g>
            </g>
        }
    });
    let recent = v.recent.iter().map(|r| html! {
        <li>
            <span class="mono muted">{offset_text(r.at)}</span>
            <span class={classes!("work", r.work.label().replace(' ', "-"))}>{r.work.label()}</span>
            <span class="comp">{&r.component}</span>
            <span class="msg" title={r.message.clone()}>{&r.message}</span>
        </li>
    });
    html! {
        <aside class="architecture" aria-label="Argo CD architecture">
            <div class="pane-title">{"Argo CD at work"}<span class="hint">{"last 10 s of virtual time"}</span></div>
            <svg class="arch-svg" viewBox={format!("-10 -10 {} {}", v.width + 20.0, v.height + 20.0)} role="img"
                aria-label="API server, repository server, application controller and Redis, lit by their recent work">
                <defs>
                    <marker id="arch-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" />
                    </marker>
                </defs>
                {for arrows}
                {for boxes}
            </svg>
            <div class="arch-recent-title">{"Last operations"}</div>
            <ul class="arch-recent">{for recent}</ul>
            <p class="arch-hint muted">{"Select a resource in the tree for its manifests, diff, events and, for pods, the probe timeline."}</p>
        </aside>
    }
}
