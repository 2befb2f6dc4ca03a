//! The editor: a textarea with a line-number gutter that carries the error markers.
//!
//! A plain textarea keeps typing native and fast; issue #7 decides between CodeMirror 6 and
//! growing this one. Offsets: the DOM counts UTF-16 code units, Rust strings count bytes, so
//! conversions go through [`utf16_offset`].

use crate::render::Diagnostic;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
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
}

const INDENT: &str = "  ";
/// Must match `.editor textarea { line-height }` in style.css.
const LINE_HEIGHT_PX: f64 = 20.0;

#[function_component(Editor)]
pub fn editor(props: &Props) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();

    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        use_effect_with(props.jump.clone(), move |jump| {
            if let (Some(jump), Some(area)) = (jump, textarea.cast::<HtmlTextAreaElement>()) {
                let at = utf16_offset(&text, jump.line, jump.column) as u32;
                let _ = area.focus();
                let _ = area.set_selection_range(at, at);
                let top = (jump.line as f64 - 3.0).max(0.0) * LINE_HEIGHT_PX;
                area.set_scroll_top(top as i32);
            }
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
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            if let (Some(area), Some(g)) = (
                e.target()
                    .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()),
                gutter.cast::<web_sys::Element>(),
            ) {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    let onkeydown = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Tab" || e.ctrl_key() || e.meta_key() || e.alt_key() || e.shift_key() {
                return;
            }
            let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                return;
            };
            e.prevent_default();
            let value = area.value();
            let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
            let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
            let (a, b) = (byte_index(&value, start), byte_index(&value, end));
            let next = format!("{}{INDENT}{}", &value[..a], &value[b..]);
            area.set_value(&next);
            let caret = (start + INDENT.len()) as u32;
            let _ = area.set_selection_range(caret, caret);
            on_input.emit(next);
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

    html! {
        <section class="pane editor" aria-label="Editor">
            <div class="pane-title">
                <span class="path">{props.path.trim_start_matches('/')}</span>
                <span class="hint">{"YAML · Tab inserts spaces"}</span>
            </div>
            <div class="editor-body">
                <div class="gutter" ref={gutter} aria-hidden="true">{for gutter_rows}</div>
                <textarea
                    ref={textarea}
                    spellcheck="false"
                    autocomplete="off"
                    wrap="off"
                    aria-label={format!("Contents of {}", props.path)}
                    value={props.text.clone()}
                    {oninput}
                    {onscroll}
                    {onkeydown}
                />
            </div>
            if let Some(d) = first {
                <div class="inline-error" role="status">
                    {format!("Line {}, column {}: {}", d.line, d.column, d.message)}
                </div>
            }
        </section>
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
    }
}
