//! The editor: a textarea over a highlighted layer, with a line-number gutter that carries the
//! error markers, messages at the end of the erroneous lines, a find bar, Tab and Shift+Tab
//! that indent and outdent with spaces, and visible trailing whitespace on request.
//!
//! Why our own and not CodeMirror 6: see ARCHITECTURE.md ("Editor"). The textarea keeps
//! typing, selection, IME, spell-check-off, the browser's own undo/redo and accessibility
//! native; every edit the editor makes itself goes through `execCommand("insertText")`, so
//! it joins the same undo history. Offsets: the DOM counts UTF-16 code units, Rust strings
//! count bytes, so conversions go through [`utf16_offset`] and [`byte_index`].

use crate::highlight::{self, find_all, marks};
use crate::render::Diagnostic;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// A request to put the cursor on a line and column; `serial` makes repeated jumps to the same
/// place distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JumpTo {
    pub line: usize,
    pub column: usize,
    pub serial: u64,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    pub jump: Option<JumpTo>,
    pub on_input: Callback<String>,
    #[prop_or_default]
    pub readonly: bool,
    #[prop_or_default]
    pub show_whitespace: bool,
    #[prop_or_default]
    pub on_toggle_whitespace: Callback<()>,
}

const INDENT: &str = "  ";
/// Must match `--line` in style.css.
const LINE_HEIGHT_PX: f64 = 20.0;

fn insert_text(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| {
            d.exec_command_with_show_ui_and_value("insertText", false, text)
                .ok()
        })
        .unwrap_or(false)
}

fn selection(area: &HtmlTextAreaElement) -> (usize, usize) {
    (
        area.selection_start().ok().flatten().unwrap_or(0) as usize,
        area.selection_end().ok().flatten().unwrap_or(0) as usize,
    )
}

fn line_of_utf16(text: &str, at: usize) -> usize {
    let byte = byte_index(text, at);
    text[..byte].matches('\n').count() + 1
}

#[function_component(Editor)]
pub fn editor(props: &Props) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    let layers = use_node_ref();
    let find_input = use_node_ref();
    let find_open = use_state(|| false);
    let query = use_state(String::new);
    let current = use_state(|| 0usize);
    // Escape hands Tab back to the page for one press, so the editor is never a keyboard trap.
    let tab_leaves = use_mut_ref(|| false);

    let matches = find_all(&props.text, if *find_open { &query } else { "" });

    let scroll_to_line = {
        let textarea = textarea.clone();
        move |line: usize| {
            if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                let top = (line as f64 - 4.0).max(0.0) * LINE_HEIGHT_PX;
                let view = area.client_height() as f64;
                let now = area.scroll_top() as f64;
                let y = (line as f64 - 1.0) * LINE_HEIGHT_PX;
                if y < now || y + LINE_HEIGHT_PX > now + view {
                    area.set_scroll_top(top as i32);
                }
            }
        }
    };

    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        let scroll = scroll_to_line.clone();
        use_effect_with(props.jump.clone(), move |jump| {
            if let (Some(jump), Some(area)) = (jump, textarea.cast::<HtmlTextAreaElement>()) {
                let at = utf16_offset(&text, jump.line, jump.column) as u32;
                let _ = area.focus();
                let _ = area.set_selection_range(at, at);
                scroll(jump.line);
            }
        });
    }
    // The layers follow the textarea's scroll position after every render too.
    {
        let (textarea, gutter, layers) = (textarea.clone(), gutter.clone(), layers.clone());
        use_effect(move || {
            sync_scroll(&textarea, &gutter, &layers);
        });
    }

    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                on_input.emit(area.value());
            }
        })
    };
    let onscroll = {
        let (textarea, gutter, layers) = (textarea.clone(), gutter.clone(), layers.clone());
        Callback::from(move |_: Event| sync_scroll(&textarea, &gutter, &layers))
    };
    let open_find = {
        let (find_open, find_input) = (find_open.clone(), find_input.clone());
        Callback::from(move |_: ()| {
            find_open.set(true);
            if let Some(input) = find_input.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        })
    };
    // The find input appears after the state change: focus it once it exists.
    {
        let find_input = find_input.clone();
        use_effect_with(*find_open, move |open| {
            if *open {
                if let Some(input) = find_input.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }
    let onkeydown = {
        let open_find = open_find.clone();
        let readonly = props.readonly;
        let tab_leaves = tab_leaves.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                *tab_leaves.borrow_mut() = true;
                return;
            }
            if std::mem::take(&mut *tab_leaves.borrow_mut()) && e.key() == "Tab" {
                return;
            }
            let modifier = e.ctrl_key() || e.meta_key();
            if modifier && !e.shift_key() && e.key().eq_ignore_ascii_case("f") {
                e.prevent_default();
                open_find.emit(());
                return;
            }
            if readonly || e.alt_key() || modifier {
                return;
            }
            let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                return;
            };
            let value = area.value();
            let (start, end) = selection(&area);
            match e.key().as_str() {
                "Tab" if !e.shift_key() && start == end => {
                    e.prevent_default();
                    insert_text(INDENT);
                }
                "Tab" => {
                    // Indent or outdent every selected line.
                    e.prevent_default();
                    let (a, b) = (byte_index(&value, start), byte_index(&value, end));
                    let line_start = value[..a].rfind('\n').map_or(0, |i| i + 1);
                    let block = &value[line_start..b];
                    let next: Vec<String> = block
                        .split('\n')
                        .map(|l| {
                            if e.shift_key() {
                                l.strip_prefix(INDENT)
                                    .or_else(|| l.strip_prefix(' '))
                                    .unwrap_or(l)
                                    .to_string()
                            } else {
                                format!("{INDENT}{l}")
                            }
                        })
                        .collect();
                    let next = next.join("\n");
                    let from = value[..line_start].encode_utf16().count() as u32;
                    let _ = area.set_selection_range(from, end as u32);
                    insert_text(&next);
                    let _ =
                        area.set_selection_range(from, from + next.encode_utf16().count() as u32);
                }
                _ => {}
            }
        })
    };

    // Find bar.
    let step = {
        let (textarea, current, text) = (textarea.clone(), current.clone(), props.text.clone());
        let matches = matches.clone();
        let scroll = scroll_to_line.clone();
        Callback::from(move |delta: isize| {
            if matches.is_empty() {
                return;
            }
            let n = matches.len() as isize;
            let next = ((*current as isize + delta).rem_euclid(n)) as usize;
            current.set(next);
            let (a, b) = matches[next];
            if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                let _ = area.set_selection_range(a as u32, b as u32);
            }
            scroll(line_of_utf16(&text, a));
        })
    };
    let close_find = {
        let (find_open, textarea) = (find_open.clone(), textarea.clone());
        Callback::from(move |_: ()| {
            find_open.set(false);
            if let Some(area) = textarea.cast::<HtmlElement>() {
                let _ = area.focus();
            }
        })
    };
    let on_query = {
        let (query, current) = (query.clone(), current.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                query.set(input.value());
                current.set(0);
            }
        })
    };
    let on_find_key = {
        let (step, close_find) = (step.clone(), close_find.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                step.emit(if e.shift_key() { -1 } else { 1 });
            }
            "Escape" => {
                e.prevent_default();
                close_find.emit(());
            }
            _ => {}
        })
    };

    let line_count = props.text.split('\n').count();
    let gutter_rows = (1..=line_count).map(|n| {
        let problem = props.diagnostics.iter().find(|d| d.line == n);
        match problem {
            Some(d) => html! {
                <div class="ln err" title={d.message.clone()} aria-label={format!("line {n}: error: {}", d.message)}>{n}</div>
            },
            None => html! { <div class="ln">{n}</div> },
        }
    });
    let first = props.diagnostics.first();
    let lens = props
        .diagnostics
        .iter()
        .filter(|d| d.line > 0)
        .map(|d| {
            (
                d.line,
                format!("✖ {}", d.message.lines().next().unwrap_or("")),
            )
        })
        .collect();
    let highlighted = highlight::highlight(
        &props.text,
        &highlight::Options {
            whitespace: props.show_whitespace,
            lens,
            template_only: props.path.ends_with(".tpl"),
        },
    );
    let current_match = (!matches.is_empty()).then(|| (*current).min(matches.len() - 1));
    let mark_layer =
        (*find_open && !matches.is_empty()).then(|| marks(&props.text, &matches, current_match));
    let kind = if props.path.ends_with(".tpl") || props.path.contains("/templates/") {
        "Go template"
    } else if crate::render::is_yaml(&props.path) {
        "YAML"
    } else {
        "Text"
    };

    let toggle_ws = {
        let cb = props.on_toggle_whitespace.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let find_click = {
        let open_find = open_find.clone();
        Callback::from(move |_| open_find.emit(()))
    };

    html! {
        <section class="pane editor" aria-label="Editor">
            <div class="pane-title">
                <span class="path">{props.path.trim_start_matches('/')}</span>
                if props.readonly { <span class="badge">{"read-only"}</span> }
                <span class="hint">{kind}</span>
                <button class={classes!("tool", props.show_whitespace.then_some("on"))} onclick={toggle_ws}
                    title="Show trailing whitespace (Alt+W)" aria-pressed={props.show_whitespace.to_string()}>{"␣"}</button>
                <button class="tool" onclick={find_click} title="Find (Ctrl+F)" aria-label="Find">{"⌕"}</button>
            </div>
            if *find_open {
                <div class="find-bar" role="search">
                    <input ref={find_input} type="search" placeholder="Find" aria-label="Find in file"
                        value={(*query).clone()} oninput={on_query} onkeydown={on_find_key} />
                    <span class="count" aria-live="polite">{
                        match current_match {
                            Some(c) => format!("{} of {}", c + 1, matches.len()),
                            None if query.is_empty() => String::new(),
                            None => "no results".to_string(),
                        }
                    }</span>
                    <button class="tool" aria-label="Previous match" onclick={let s = step.clone(); Callback::from(move |_| s.emit(-1))}>{"↑"}</button>
                    <button class="tool" aria-label="Next match" onclick={let s = step.clone(); Callback::from(move |_| s.emit(1))}>{"↓"}</button>
                    <button class="tool" aria-label="Close find" onclick={let c = close_find.clone(); Callback::from(move |_| c.emit(()))}>{"✕"}</button>
                </div>
            }
            <div class="editor-body">
                <div class="gutter" ref={gutter} aria-hidden="true">{for gutter_rows}</div>
                <div class="code">
                    <div class="layers" ref={layers} aria-hidden="true">
                        <pre class="hl">{Html::from_html_unchecked(highlighted.into())}</pre>
                        if let Some(m) = mark_layer {
                            <pre class="marks">{Html::from_html_unchecked(m.into())}</pre>
                        }
                    </div>
                    <textarea
                        ref={textarea}
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        wrap="off"
                        readonly={props.readonly}
                        aria-label={format!("Contents of {}", props.path)}
                        value={props.text.clone()}
                        {oninput}
                        {onscroll}
                        {onkeydown}
                    />
                </div>
            </div>
            if let Some(d) = first {
                <div class="inline-error" role="status">
                    {format!("Line {}, column {}: {}", d.line, d.column, d.message)}
                </div>
            }
        </section>
    }
}

fn sync_scroll(textarea: &NodeRef, gutter: &NodeRef, layers: &NodeRef) {
    if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
        if let Some(g) = gutter.cast::<web_sys::Element>() {
            g.set_scroll_top(area.scroll_top());
        }
        if let Some(l) = layers.cast::<web_sys::Element>() {
            l.set_scroll_top(area.scroll_top());
            l.set_scroll_left(area.scroll_left());
        }
    }
}

/// The UTF-16 offset of 1-based (line, column), clamped to the text; columns count characters.
pub fn utf16_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.chars()
                    .take(column.saturating_sub(1))
                    .map(char::len_utf16)
                    .sum::<usize>();
        }
        offset += l.encode_utf16().count() + 1;
    }
    text.encode_utf16().count()
}

/// The byte index in `text` of a UTF-16 offset (clamped to the end).
pub fn byte_index(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_utf16_units() {
        let text = "a: 1\nb: ü😀x\n";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 1), 5);
        assert_eq!(utf16_offset(text, 2, 6), 5 + 3 + 1 + 2);
        assert_eq!(utf16_offset(text, 99, 1), text.encode_utf16().count());
        assert_eq!(byte_index(text, 5 + 3 + 1 + 2), "a: 1\nb: ü😀".len());
        assert_eq!(byte_index(text, 10_000), text.len());
        assert_eq!(line_of_utf16(text, 6), 2);
    }
}
