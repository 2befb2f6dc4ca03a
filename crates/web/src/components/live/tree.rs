//! The resource tree, left to right as Argo CD draws it: the Application, its resources,
//! what they own. Boxes are keyed by node id so a running clock only touches what changed.

use super::status::{health_icon, sync_icon, tone};
use kubeplay_session::live::snapshot::TreeNode;
use kubeplay_session::live::views::tree_layout::{NODE_HEIGHT, NODE_WIDTH};
use kubeplay_session::live::{LiveCommand, LiveSnapshot};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
}

/// A smooth connector through an edge's first and last points.
fn edge_path(points: &[(f32, f32)]) -> String {
    let (Some(a), Some(b)) = (points.first(), points.last()) else {
        return String::new();
    };
    let mid = (a.0 + b.0) / 2.0;
    format!(
        "M{} {} C{mid} {} {mid} {} {} {}",
        a.0, a.1, a.1, b.1, b.0, b.1
    )
}

#[derive(Properties, PartialEq)]
pub struct NodeProps {
    pub node: TreeNode,
    pub on_send: Callback<LiveCommand>,
}

/// One box: kind icon, name, kind and status line, health and sync icons, restarts, the
/// failing container, and the collapse toggle.
#[function_component(TreeNodeBox)]
pub fn tree_node_box(p: &NodeProps) -> Html {
    let n = &p.node;
    let select = {
        let (s, id, sel) = (p.on_send.clone(), n.id.clone(), n.selected);
        Callback::from(move |_: MouseEvent| {
            s.emit(LiveCommand::SelectNode((!sel).then(|| id.clone())))
        })
    };
    let collapse = {
        let (s, id) = (p.on_send.clone(), n.id.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            s.emit(LiveCommand::ToggleCollapse(id.clone()))
        })
    };
    let style = format!(
        "left:{}px;top:{}px;width:{NODE_WIDTH}px;height:{NODE_HEIGHT}px",
        n.x, n.y
    );
    let class = classes!(
        "tnode",
        format!("h-{}", tone(&n.health)),
        n.selected.then_some("selected"),
        n.dimmed.then_some("dimmed"),
        (n.kind == "Application").then_some("root"),
    );
    let label = format!("{} {} {} {}", n.kind, n.name, n.health, n.sync);
    html! {
        <div {class} {style} role="treeitem" aria-selected={n.selected.to_string()} aria-label={label}
            data-kind={n.kind.clone()} data-name={n.name.clone()} data-health={n.health.clone()} data-sync={n.sync.clone()}
            data-restarts={n.restarts.to_string()} tabindex="0" onclick={select}>
            <span class={classes!("kind-icon", n.icon.clone())} aria-hidden="true">{&n.icon}</span>
            <span class="tnode-text">
                <span class="tnode-name" title={n.name.clone()}>{&n.name}</span>
                <span class="tnode-sub">
                    <span class="tnode-kind">{&n.kind}</span>
                    if !n.status.is_empty() { <span class="tnode-status">{&n.status}</span> }
                </span>
            </span>
            <span class="tnode-badges">
                if !n.health.is_empty() {
                    <span class={classes!("st-icon", tone(&n.health))} title={if n.health_message.is_empty() { n.health.clone() } else { format!("{}: {}", n.health, n.health_message) }}>{health_icon(&n.health)}</span>
                }
                if !n.sync.is_empty() {
                    <span class={classes!("st-icon", tone(&n.sync))} title={n.sync.clone()}>{sync_icon(&n.sync)}</span>
                }
            </span>
            if n.restarts > 0 {
                <span class="restarts" title={format!("{} restarts", n.restarts)}>{format!("↻{}", n.restarts)}</span>
            }
            if let Some(f) = &n.failing {
                <span class="failing" title={format!("container {} is {}", f.name, f.reason)}>{format!("{}: {}", f.name, f.reason)}</span>
            }
            if n.has_children {
                <button class="collapse" onclick={collapse} aria-label={if n.collapsed { "Expand" } else { "Collapse" }}
                    title={if n.collapsed { format!("Show {} hidden", n.hidden_descendants) } else { "Collapse".to_string() }}>
                    {if n.collapsed { format!("+{}", n.hidden_descendants) } else { "−".to_string() }}
                </button>
            }
        </div>
    }
}

#[function_component(TreeCanvas)]
pub fn tree_canvas(p: &Props) -> Html {
    let t = &p.snapshot.tree;
    if t.nodes.is_empty() {
        return html! { <div class="tree-empty">{"No resources yet."}</div> };
    }
    let (w, h) = (t.width + 24.0, t.height + 24.0);
    let edges = t.edges.iter().map(|e| {
        html! { <path key={format!("{}>{}", e.from, e.to)} d={edge_path(&e.points)} /> }
    });
    let nodes = t.nodes.iter().map(|n| {
        html! { <TreeNodeBox key={n.id.clone()} node={n.clone()} on_send={p.on_send.clone()} /> }
    });
    html! {
        <div class="tree-scroll" role="tree" aria-label="Resource tree">
            <div class="tree-canvas" style={format!("width:{w}px;height:{h}px")}>
                <svg class="tree-edges" width={w.to_string()} height={h.to_string()} aria-hidden="true">{for edges}</svg>
                {for nodes}
            </div>
        </div>
    }
}
