//! Syntax highlighting for the editor: YAML with Go templates (`{{ ... }}`), as HTML spans
//! for the layer under the textarea. Per line, so the cost is linear and small; Go template
//! comments may span lines (`_helpers.tpl`), which is the only state carried between lines.

/// Options for one highlight pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Show trailing spaces and tabs as `·` and `→`.
    pub whitespace: bool,
    /// Messages to show at the end of lines (1-based line, message).
    pub lens: Vec<(usize, String)>,
    /// A `.tpl` file: everything outside `{{ }}` is plain text, not YAML.
    pub template_only: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum C {
    Plain,
    Key,
    Str,
    Lit,
    Comment,
    Punct,
    Tmpl,
    TmplKw,
    Ws,
}

impl C {
    fn class(self) -> Option<&'static str> {
        Some(match self {
            C::Plain => return None,
            C::Key => "k",
            C::Str => "s",
            C::Lit => "n",
            C::Comment => "c",
            C::Punct => "p",
            C::Tmpl => "t",
            C::TmplKw => "tk",
            C::Ws => "ws",
        })
    }
}

const KEYWORDS: [&str; 13] = [
    "if", "else", "end", "range", "with", "define", "include", "template", "block", "toYaml",
    "nindent", "indent", "quote",
];

/// The highlighted HTML of `text`; one line of output per line of input, so it lines up.
pub fn highlight(text: &str, opts: &Options) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    let mut in_comment = false;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let classes = classify(line, &mut in_comment, opts.template_only);
        let mut classes = classes;
        let trailing = line.len() - line.trim_end_matches([' ', '\t']).len();
        if opts.whitespace && trailing > 0 && trailing < line.len() + 1 {
            for c in &mut classes[line.len() - trailing..] {
                *c = C::Ws;
            }
        }
        emit(line, &classes, &mut out);
        if let Some((_, msg)) = opts.lens.iter().find(|(l, _)| *l == i + 1) {
            out.push_str("<span class=\"lens\">  ");
            escape_into(msg, &mut out);
            out.push_str("</span>");
        }
    }
    // A trailing newline needs a last line box in a <pre> to keep the heights equal.
    out.push(' ');
    out
}

fn classify(line: &str, in_comment: &mut bool, template_only: bool) -> Vec<C> {
    let bytes = line.as_bytes();
    let mut cls = vec![C::Plain; bytes.len()];
    if !template_only {
        yaml(line, &mut cls);
    }
    // Templates override YAML.
    let mut i = 0;
    while i < bytes.len() {
        if *in_comment {
            let end = line[i..].find("*/").map_or(bytes.len(), |e| i + e + 2);
            let end = if line[end.min(bytes.len())..].starts_with("}}") {
                end + 2
            } else {
                end
            };
            let end = end.min(bytes.len());
            cls[i..end].fill(C::Comment);
            if end < bytes.len() || line[i..].contains("*/") {
                *in_comment = false;
            }
            i = end;
            continue;
        }
        if line[i..].starts_with("{{") {
            let rest = line[i + 2..].trim_start_matches('-').trim_start();
            if rest.starts_with("/*") {
                *in_comment = true;
                continue;
            }
            let end = line[i..].find("}}").map_or(bytes.len(), |e| i + e + 2);
            cls[i..end].fill(C::Tmpl);
            // Keywords and function names inside.
            let inner = &line[i..end];
            let mut at = 0;
            for word in inner.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                let start = i + at;
                at += word.len() + 1;
                if KEYWORDS.contains(&word) && start + word.len() <= end {
                    cls[start..start + word.len()].fill(C::TmplKw);
                }
            }
            i = end;
            continue;
        }
        i += line[i..].chars().next().map_or(1, char::len_utf8);
    }
    cls
}

fn yaml(line: &str, cls: &mut [C]) {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if trimmed.starts_with('#') {
        cls[indent..].fill(C::Comment);
        return;
    }
    if trimmed == "---" || trimmed == "..." || trimmed.starts_with("--- ") {
        cls[indent..indent + 3].fill(C::Punct);
        return;
    }
    let mut at = indent;
    while line[at..].starts_with("- ") || &line[at..] == "-" {
        cls[at] = C::Punct;
        at += 1;
        at += line[at..].len() - line[at..].trim_start().len();
    }
    // A key: text up to ": " (or a final ':') outside quotes and templates.
    let rest = &line[at..];
    if let Some(colon) = key_end(rest) {
        cls[at..at + colon].fill(C::Key);
        cls[at + colon] = C::Punct;
        at += colon + 1;
        at += line[at..].len() - line[at..].trim_start().len();
    }
    value(line, at, cls);
}

fn key_end(rest: &str) -> Option<usize> {
    if rest.starts_with(['"', '\'', '{', '[', '#', '|', '>']) && !rest.starts_with("{{") {
        // A quoted key is still a key.
        let q = rest.chars().next()?;
        if q == '"' || q == '\'' {
            let close = rest[1..].find(q)? + 1;
            let after = &rest[close + 1..];
            return (after.starts_with(": ") || after == ":").then_some(close + 1);
        }
        return None;
    }
    let mut depth = 0;
    let b = rest.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'#' if i > 0 && b[i - 1] == b' ' => return None,
            b':' if depth == 0 && (i + 1 == b.len() || b[i + 1] == b' ') => {
                return (i > 0).then_some(i);
            }
            _ => {}
        }
    }
    None
}

fn value(line: &str, at: usize, cls: &mut [C]) {
    let v = &line[at..];
    if v.is_empty() {
        return;
    }
    // A trailing comment.
    let comment = comment_start(v).map(|c| at + c);
    let end = comment.unwrap_or(line.len());
    let body = line[at..end].trim_end();
    let body_end = at + body.len();
    if body.starts_with('"') || body.starts_with('\'') {
        cls[at..body_end].fill(C::Str);
    } else if body.starts_with('|')
        || body.starts_with('>')
        || body.starts_with('&')
        || body.starts_with('*')
        || body.starts_with('!')
    {
        cls[at..body_end].fill(C::Punct);
    } else if is_literal(body) {
        cls[at..body_end].fill(C::Lit);
    }
    if let Some(c) = comment {
        cls[c..].fill(C::Comment);
    }
}

fn comment_start(v: &str) -> Option<usize> {
    let mut quote = None;
    let b = v.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match (quote, c) {
            (None, b'"' | b'\'') if i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, b'#') if i == 0 || b[i - 1] == b' ' => return Some(i),
            _ => {}
        }
    }
    None
}

fn is_literal(s: &str) -> bool {
    matches!(
        s,
        "true" | "false" | "True" | "False" | "null" | "~" | "yes" | "no"
    ) || (!s.is_empty() && s.parse::<f64>().is_ok() && !s.starts_with('.'))
}

fn emit(line: &str, cls: &[C], out: &mut String) {
    let mut start = 0;
    while start < line.len() {
        let c = cls[start];
        let mut end = start + 1;
        while end < line.len() && (cls[end] == c || !line.is_char_boundary(end)) {
            end += 1;
        }
        let piece = &line[start..end];
        match c.class() {
            None => escape_into(piece, out),
            Some(class) => {
                out.push_str("<span class=\"");
                out.push_str(class);
                out.push_str("\">");
                if c == C::Ws {
                    out.extend(piece.chars().map(|ch| if ch == '\t' { '→' } else { '·' }));
                } else {
                    escape_into(piece, out);
                }
                out.push_str("</span>");
            }
        }
        start = end;
    }
}

pub fn escape_into(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Every match of `needle` (case-insensitive for ASCII) as UTF-16 ranges, for the find bar.
pub fn find_all(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let hay = text.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = hay[from..].find(&needle) {
        let start = from + i;
        let end = start + needle.len();
        let u = text[..start].encode_utf16().count();
        out.push((u, u + text[start..end].encode_utf16().count()));
        from = end;
        if out.len() >= 10_000 {
            break;
        }
    }
    out
}

/// The layer that marks find matches: the text itself (invisible) with `<mark>`s.
pub fn marks(text: &str, matches: &[(usize, usize)], current: Option<usize>) -> String {
    let mut out = String::new();
    let mut utf16 = 0;
    let mut idx = 0;
    let mut open = false;
    for ch in text.chars() {
        if !open && idx < matches.len() && matches[idx].0 == utf16 {
            out.push_str(if current == Some(idx) {
                "<mark class=\"cur\">"
            } else {
                "<mark>"
            });
            open = true;
        }
        escape_into(ch.encode_utf8(&mut [0; 4]), &mut out);
        utf16 += ch.len_utf16();
        if open && matches[idx].1 == utf16 {
            out.push_str("</mark>");
            open = false;
            idx += 1;
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out.push(' ');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(text: &str) -> String {
        highlight(text, &Options::default())
    }

    #[test]
    fn keys_values_and_comments() {
        assert_eq!(
            hl("a: 1 # one"),
            "<span class=\"k\">a</span><span class=\"p\">:</span> <span class=\"n\">1</span> <span class=\"c\"># one</span> "
        );
        assert_eq!(
            hl("- name: \"x: y\""),
            "<span class=\"p\">-</span> <span class=\"k\">name</span><span class=\"p\">:</span> <span class=\"s\">&quot;x: y&quot;</span> "
        );
        assert_eq!(
            hl("image: nginx:1.27"),
            "<span class=\"k\">image</span><span class=\"p\">:</span> nginx:1.27 "
        );
    }

    #[test]
    fn templates_and_multiline_comments() {
        let out = hl("name: {{ include \"x\" . }}");
        assert!(
            out.contains("<span class=\"t\">{{ </span><span class=\"tk\">include</span>"),
            "{out}"
        );
        let out = highlight(
            "{{/*\nhelp\n*/}}\n{{- end }}",
            &Options {
                template_only: true,
                ..Default::default()
            },
        );
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines[1], "<span class=\"c\">help</span>");
        assert_eq!(lines[2], "<span class=\"c\">*/}}</span>");
        assert!(lines[3].contains("tk"));
    }

    #[test]
    fn whitespace_and_lens() {
        let out = highlight(
            "a: 1  \nb: 2",
            &Options {
                whitespace: true,
                lens: vec![(2, "bad <b>".into())],
                template_only: false,
            },
        );
        assert!(out.contains("<span class=\"ws\">··</span>"), "{out}");
        assert!(
            out.contains("<span class=\"lens\">  bad &lt;b&gt;</span>"),
            "{out}"
        );
        assert_eq!(out.matches('\n').count(), 1);
    }

    #[test]
    fn finds_in_utf16() {
        assert_eq!(find_all("ü ab AB", "ab"), vec![(2, 4), (5, 7)]);
        assert_eq!(
            marks("xab", &[(1, 3)], Some(0)),
            "x<mark class=\"cur\">ab</mark> "
        );
    }
}
