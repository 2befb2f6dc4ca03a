//! Desired vs live YAML: side by side, inline or compact; folded unchanged runs shown as
//! gaps that unfold on click; any line can become an ignoreDifferences rule. A long diff is
//! drawn a page of rows at a time, so the page stays responsive however long it is.

use kubeplay_session::live::views::diff_view::{
    DiffLine, DiffMode, DiffRows, Gap, InlineRow, LineKind, SideRow,
};
use kubeplay_session::live::LiveCommand;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub rows: DiffRows,
    /// Gaps unfold and lines offer "ignore" only in the details panel.
    #[prop_or_default]
    pub on_send: Option<Callback<LiveCommand>>,
}

/// The most rows one table draws at once; a longer diff shows a page of them with buttons
/// to the pages before and after.
pub const PAGE_ROWS: usize = 200;

pub const MODES: [(DiffMode, &str); 3] = [
    (DiffMode::SideBySide, "Side by side"),
    (DiffMode::Inline, "Inline"),
    (DiffMode::Compact, "Compact"),
];

fn gap_row(g: &Gap, send: &Option<Callback<LiveCommand>>, cols: usize) -> Html {
    let text = format!(
        "⋯ {} unchanged line{} ⋯",
        g.hidden,
        if g.hidden == 1 { "" } else { "s" }
    );
    match send {
        Some(s) => {
            let (s, id) = (s.clone(), g.id);
            html! { <tr class="gap"><td colspan={cols.to_string()}>
                <button class="gap-btn" onclick={Callback::from(move |_| s.emit(LiveCommand::ExpandGap(id)))} title="Show these lines">{text}</button>
            </td></tr> }
        }
        None => html! { <tr class="gap"><td colspan={cols.to_string()}>{text}</td></tr> },
    }
}

fn ignore_button(
    send: &Option<Callback<LiveCommand>>,
    live_no: Option<usize>,
    desired_no: Option<usize>,
) -> Html {
    match send {
        Some(s) => {
            let s = s.clone();
            html! { <button class="ignore-btn" title="Ignore differences in this field (adds an ignoreDifferences rule to the Application)"
            aria-label="Ignore this field"
            onclick={Callback::from(move |_| s.emit(LiveCommand::IgnoreDiffLine { live_no, desired_no }))}>{"⊘"}</button> }
        }
        None => html! {},
    }
}

fn inline_line(l: &DiffLine, send: &Option<Callback<LiveCommand>>) -> Html {
    let (class, sign) = match l.kind {
        LineKind::Same => ("same", " "),
        LineKind::Added => ("add", "+"),
        LineKind::Removed => ("del", "-"),
    };
    let no = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
    html! {
        <tr class={class}>
            <td class="ln">{no(l.live_no)}</td>
            <td class="ln">{no(l.desired_no)}</td>
            <td class="code"><span class="sign">{sign}</span>{&l.text}{ignore_button(send, l.live_no, l.desired_no)}</td>
        </tr>
    }
}

fn row_count(rows: &DiffRows) -> usize {
    match rows {
        DiffRows::Inline(r) => r.len(),
        DiffRows::SideBySide(r) => r.len(),
    }
}

/// The first row of the page that shows row `first` (pages start at multiples of
/// [`PAGE_ROWS`], the last page included).
fn page_start(first: usize, total: usize) -> usize {
    first.min(total.saturating_sub(1)) / PAGE_ROWS * PAGE_ROWS
}

/// The button row to the page before (`up`) or after, if there is one.
fn pager(first: &UseStateHandle<usize>, start: usize, total: usize, up: bool, cols: usize) -> Html {
    let (to, text) = if up {
        if start == 0 {
            return html! {};
        }
        let to = start.saturating_sub(PAGE_ROWS);
        (to, format!("▲ rows {}–{} of {total}", to + 1, start))
    } else {
        let next = start + PAGE_ROWS;
        if next >= total {
            return html! {};
        }
        (
            next,
            format!(
                "▼ rows {}–{} of {total}",
                next + 1,
                (next + PAGE_ROWS).min(total)
            ),
        )
    };
    let first = first.clone();
    html! { <tr class="gap pager"><td colspan={cols.to_string()}>
        <button class="gap-btn" onclick={Callback::from(move |_| first.set(to))}>{text}</button>
    </td></tr> }
}

#[function_component(DiffTable)]
pub fn diff_table(p: &Props) -> Html {
    let send = &p.on_send;
    let first = use_state(|| 0usize);
    let total = row_count(&p.rows);
    let start = page_start(*first, total);
    let end = (start + PAGE_ROWS).min(total);
    match &p.rows {
        DiffRows::Inline(rows) => html! {
            <table class="diff inline" data-rows={total.to_string()}>
                <colgroup><col class="c-ln" /><col class="c-ln" /><col /></colgroup>
                <tbody>
                    {pager(&first, start, total, true, 3)}
                    {for rows[start..end].iter().map(|r| match r {
                        InlineRow::Line(l) => inline_line(l, send),
                        InlineRow::Gap(g) => gap_row(g, send, 3),
                    })}
                    {pager(&first, start, total, false, 3)}
                </tbody>
            </table>
        },
        DiffRows::SideBySide(rows) => html! {
            <table class="diff sbs" data-rows={total.to_string()}>
                <colgroup><col class="c-ln" /><col /><col class="c-ln" /><col /><col class="c-ign" /></colgroup>
                <thead><tr><th colspan="2">{"Live"}</th><th colspan="2">{"Desired"}</th><th></th></tr></thead>
                <tbody>
                    {pager(&first, start, total, true, 5)}
                    {for rows[start..end].iter().map(|r| match r {
                        SideRow::Gap(g) => gap_row(g, send, 5),
                        SideRow::Pair { left, right, changed } => {
                            let cell = |side: &Option<(usize, String)>, class: &'static str| match side {
                                Some((n, t)) => html! { <>
                                    <td class="ln">{n}</td>
                                    <td class={classes!("code", changed.then_some(class))}>{t}</td>
                                </> },
                                None => html! { <><td class="ln"></td><td class={classes!("code", "void")}></td></> },
                            };
                            let live_no = left.as_ref().map(|l| l.0);
                            let desired_no = right.as_ref().map(|r| r.0);
                            // A changed pair is two lines of the diff; the desired side names the field.
                            let ignore = if *changed { ignore_button(send, if right.is_some() { None } else { live_no }, desired_no) } else { html! {} };
                            html! {
                                <tr class={classes!(changed.then_some("changed"))}>
                                    {cell(left, "del")}{cell(right, "add")}
                                    <td class="ign">{ignore}</td>
                                </tr>
                            }
                        }
                    })}
                    {pager(&first, start, total, false, 5)}
                </tbody>
            </table>
        },
    }
}
