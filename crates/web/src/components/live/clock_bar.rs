//! The clock controls: play/pause, one-second step, +60 s, speed, and the virtual time.

use super::status::clock_text;
use super::ClockAction;
use kubeplay_session::live::views::clock::Speed;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub now: u64,
    pub playing: bool,
    pub speed: Speed,
    /// A command is running or queued.
    pub busy: bool,
    pub skipping: bool,
    pub on_action: Callback<ClockAction>,
}

#[function_component(ClockBar)]
pub fn clock_bar(p: &Props) -> Html {
    let act = |a: ClockAction| {
        let cb = p.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    let speeds = Speed::ALL.iter().map(|s| {
        let on = *s == p.speed;
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()}
                title={format!("Run the clock at {}", s.label())} onclick={act(ClockAction::Speed(*s))}>{s.label()}</button>
        }
    });
    html! {
        <div class="clock-bar" role="toolbar" aria-label="Clock">
            <button class={classes!("clock-play", p.playing.then_some("on"))} onclick={act(ClockAction::Toggle)}
                aria-label={if p.playing { "Pause" } else { "Play" }} title={if p.playing { "Pause the clock" } else { "Run the clock" }}>
                {if p.playing { "❚❚" } else { "▶" }}
            </button>
            <button class="tool bar" onclick={act(ClockAction::Step)} title="Pause and run one virtual second">{"Step 1 s"}</button>
            <button class="tool bar" onclick={act(ClockAction::Skip)} disabled={p.skipping} title="Fast-forward 60 virtual seconds">{"+60 s"}</button>
            <span class="segs" role="group" aria-label="Speed">{for speeds}</span>
            <span class="clock-time" aria-live="off" title="Virtual time since the cluster started">{clock_text(p.now)}</span>
            <span class={classes!("clock-state", p.playing.then_some("running"))}>
                {if p.skipping { "fast-forwarding…" } else if p.playing { "running" } else { "paused" }}
            </span>
            if p.busy { <span class="clock-busy" aria-hidden="true"></span> }
        </div>
    }
}
