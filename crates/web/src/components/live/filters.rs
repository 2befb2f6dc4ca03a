//! The filter bar over the tree: name, kinds, health and sync (each with its count), the
//! tree/list switch and how many resources are shown.

use super::status::{health_icon, sync_icon, tone};
use kubeplay_session::live::{LiveCommand, LiveSnapshot, TreeFilter};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<LiveSnapshot>,
    pub on_send: Callback<LiveCommand>,
}

fn toggled(list: &[String], item: &str) -> Vec<String> {
    if list.iter().any(|x| x == item) {
        list.iter().filter(|x| *x != item).cloned().collect()
    } else {
        let mut l = list.to_vec();
        l.push(item.to_string());
        l
    }
}

#[function_component(FilterBar)]
pub fn filter_bar(p: &Props) -> Html {
    let snap = &p.snapshot;
    let f = &snap.view.filter;
    let t = &snap.tree;
    let set = |next: TreeFilter| {
        let s = p.on_send.clone();
        Callback::from(move |_: MouseEvent| s.emit(LiveCommand::SetFilter(next.clone())))
    };
    let on_name = {
        let (s, f) = (p.on_send.clone(), f.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                s.emit(LiveCommand::SetFilter(TreeFilter {
                    name: i.value(),
                    ..f.clone()
                }));
            }
        })
    };
    let chip = |label: String,
                count: usize,
                on: bool,
                class: &'static str,
                icon: &'static str,
                next: TreeFilter| {
        html! {
            <button class={classes!("chip", class, on.then_some("on"))} aria-pressed={on.to_string()} onclick={set(next)}>
                if !icon.is_empty() { <span class="st-icon" aria-hidden="true">{icon}</span> }
                {label}<span class="count">{count}</span>
            </button>
        }
    };
    let kinds = t.kinds.iter().map(|(k, c)| {
        let on = f.kinds.contains(k);
        chip(
            k.clone(),
            *c,
            on,
            "",
            "",
            TreeFilter {
                kinds: toggled(&f.kinds, k),
                ..f.clone()
            },
        )
    });
    let healths = t.healths.iter().map(|(h, c)| {
        let on = f.health.contains(h);
        chip(
            h.clone(),
            *c,
            on,
            tone(h),
            health_icon(h),
            TreeFilter {
                health: toggled(&f.health, h),
                ..f.clone()
            },
        )
    });
    let syncs = t.syncs.iter().map(|(s, c)| {
        let on = f.sync.contains(s);
        chip(
            s.clone(),
            *c,
            on,
            tone(s),
            sync_icon(s),
            TreeFilter {
                sync: toggled(&f.sync, s),
                ..f.clone()
            },
        )
    });
    let list = snap.view.list_view;
    let mode = |to_list: bool| {
        let s = p.on_send.clone();
        Callback::from(move |_: MouseEvent| s.emit(LiveCommand::SetListView(to_list)))
    };
    let active = *f != TreeFilter::default();
    html! {
        <div class="filter-bar" role="toolbar" aria-label="Filter resources">
            <span class="segs" role="group" aria-label="View">
                <button class={classes!("seg", (!list).then_some("on"))} onclick={mode(false)} aria-pressed={(!list).to_string()} title="Resource tree">{"⊶ Tree"}</button>
                <button class={classes!("seg", list.then_some("on"))} onclick={mode(true)} aria-pressed={list.to_string()} title="Flat list">{"☰ List"}</button>
            </span>
            <input class="filter-name" type="search" placeholder="Filter by name" aria-label="Filter by name" value={f.name.clone()} oninput={on_name} />
            <span class="chips" aria-label="Kinds">{for kinds}</span>
            <span class="chips" aria-label="Health">{for healths}</span>
            <span class="chips" aria-label="Sync">{for syncs}</span>
            if active { <button class="tool" onclick={set(TreeFilter::default())}>{"Clear filters"}</button> }
            <span class="filter-count">{format!("{} of {} resources", t.shown, t.total)}</span>
        </div>
    }
}
