//! Health and sync badges, drawn the same everywhere (tree nodes, list, header, dialogs).

use yew::prelude::*;

/// The CSS class of a health or sync status name.
pub fn tone(status: &str) -> &'static str {
    match status {
        "Healthy" | "Synced" | "Succeeded" | "Running" | "True" => "ok",
        "Progressing" | "Pending" | "Suspended" => "busy",
        "Degraded" | "Failed" | "Error" | "False" => "bad",
        "Missing" | "OutOfSync" => "warn",
        _ => "unknown",
    }
}

/// The icon of a health status (heart, spinner-ish circle, broken heart, ghost, pause).
pub fn health_icon(status: &str) -> &'static str {
    match status {
        "Healthy" => "♥",
        "Progressing" => "◌",
        "Degraded" => "✖",
        "Missing" => "◍",
        "Suspended" => "⏸",
        "Succeeded" | "True" => "✔",
        "Failed" | "Error" | "False" => "✖",
        "Running" => "◌",
        "" => "",
        _ => "?",
    }
}

pub fn sync_icon(status: &str) -> &'static str {
    match status {
        "Synced" => "✔",
        "OutOfSync" => "⟳",
        "" => "",
        _ => "?",
    }
}

#[derive(Properties, PartialEq)]
pub struct BadgeProps {
    pub status: AttrValue,
    #[prop_or(false)]
    pub sync: bool,
    /// Icon only (with the name as tooltip).
    #[prop_or(false)]
    pub compact: bool,
}

#[function_component(StatusBadge)]
pub fn status_badge(p: &BadgeProps) -> Html {
    if p.status.is_empty() {
        return html! {};
    }
    let icon = if p.sync {
        sync_icon(&p.status)
    } else {
        health_icon(&p.status)
    };
    let class = classes!("st", tone(&p.status), p.compact.then_some("compact"));
    html! {
        <span {class} title={p.status.clone()} aria-label={p.status.clone()}>
            <span class="st-icon" aria-hidden="true">{icon}</span>
            if !p.compact { <span class="st-name">{p.status.clone()}</span> }
        </span>
    }
}

/// `T+00:01:05` from virtual ms.
pub fn clock_text(ms: u64) -> String {
    kubeplay_session::live::views::clock::format_virtual(ms)
}

/// `1m05s` style offset.
pub fn offset_text(ms: u64) -> String {
    kubeplay_session::live::views::clock::format_offset(ms)
}
