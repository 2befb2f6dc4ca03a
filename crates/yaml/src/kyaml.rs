//! kustomize's way of reading a file of resources (kyaml's `ByteReader`), which differs from
//! reading one YAML stream: CRLF is turned into LF, the text is split on `---` lines by a
//! regular expression before any YAML parsing, each piece is parsed on its own (so go-yaml's
//! line numbers in errors count from the start of the piece), and empty documents are dropped.

use crate::error::Error;
use crate::node::{Node, Value};
use crate::parse::{parse_documents_with, ParseOptions};

/// One piece of a file split the way kyaml splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The text handed to the YAML parser (CRLF already turned into LF, and a `\n` put back
    /// at the end of every piece but the last, as kyaml does).
    pub text: String,
    /// 1-based line of the piece's first line in the (normalised) file.
    pub line: usize,
    /// Byte offset of the piece in the normalised file.
    pub offset: usize,
}

/// Splits like kyaml's `splitDocuments` on the regular expression `\n---.*\n`. A separator
/// line with anything but a comment after `---` is an error: `invalid document separator:
/// --- x`.
pub fn split_documents(src: &str) -> Result<Vec<Piece>, Error> {
    let s = src.replace("\r\n", "\n");
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let b = s.as_bytes();
    let mut prev = 0;
    let mut search = 0;
    while let Some(found) = s[search..].find("\n---") {
        let start = search + found;
        // `.*` stops at the next newline, which the expression requires.
        let Some(nl) = s[start + 1..].find('\n') else {
            break;
        };
        let end = start + 1 + nl + 1;
        let separator = &s[start..end];
        let after = separator[4..].trim();
        if !after.is_empty() && !after.starts_with('#') {
            let line = s[..start + 1].matches('\n').count() + 1;
            let msg = format!("invalid document separator: {}", separator.trim());
            return Err(Error::new("", line, 1, msg.clone()).with_goyaml(msg));
        }
        bounds.push((prev, start));
        prev = end;
        search = end;
        if search >= b.len() {
            break;
        }
    }
    bounds.push((prev, s.len()));
    let count = bounds.len();
    let mut line = 1;
    let mut last_offset = 0;
    let mut out = Vec::with_capacity(count);
    for (i, (from, to)) in bounds.into_iter().enumerate() {
        line += s[last_offset..from].matches('\n').count();
        last_offset = from;
        let mut text = s[from..to].to_string();
        if i + 1 != count {
            text.push('\n');
        }
        out.push(Piece {
            text,
            line,
            offset: from,
        });
    }
    Ok(out)
}

/// Reads a file of resources the way `kustomize build` does: the first document of every
/// piece, empty ones skipped. Node positions refer to `src` (lines and byte offsets of the
/// original text, CRLF included); error texts from go-yaml ([`Error::goyaml`]) keep kyaml's
/// piece-relative line numbers while [`Error::line`] is the line in `src`.
pub fn parse_resources(src: &str, file: &str, opts: &ParseOptions) -> Result<Vec<Node>, Error> {
    // Byte offsets (in the normalised text) where a '\r' was removed.
    let removed: Vec<usize> = src
        .match_indices("\r\n")
        .enumerate()
        .map(|(shift, (i, _))| i - shift)
        .collect();
    let mut out = Vec::new();
    for piece in split_documents(src).map_err(|mut e| {
        e.file = file.to_string();
        e
    })? {
        let docs = parse_documents_with(&piece.text, file, opts).map_err(|mut e| {
            if e.line > 0 {
                e.line += piece.line - 1;
            }
            e
        })?;
        let Some(mut doc) = docs.into_iter().next() else {
            continue;
        };
        if doc.is_null() {
            continue;
        }
        relocate(&mut doc, &piece, &removed);
        out.push(doc);
    }
    Ok(out)
}

fn relocate(n: &mut Node, piece: &Piece, removed: &[usize]) {
    n.pos.line += piece.line - 1;
    let norm = n.pos.offset + piece.offset;
    n.pos.offset = norm + removed.partition_point(|&r| r <= norm);
    match &mut n.value {
        Value::Scalar(_) => {}
        Value::Sequence(s) => s.items.iter_mut().for_each(|i| relocate(i, piece, removed)),
        Value::Mapping(m) => m.entries.iter_mut().for_each(|(k, v)| {
            relocate(k, piece, removed);
            relocate(v, piece, removed);
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_kyaml() {
        let p = split_documents("a: 1\n---\nb: 2\n--- # c\nc: 3\n").unwrap();
        let texts: Vec<_> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["a: 1\n", "b: 2\n", "c: 3\n"]);
        assert_eq!(p[2].line, 5);
        // A leading separator has no newline before it: the parser sees it.
        let p = split_documents("---\na: 1\n").unwrap();
        assert_eq!(p.len(), 1);
        // Back-to-back separators: the second one stays in the next piece.
        let p = split_documents("a: 1\n---\n---\nb: 2\n").unwrap();
        assert_eq!(p[1].text, "---\nb: 2\n");
        let e = split_documents("a: 1\n--- |\n  x\n").unwrap_err();
        assert_eq!(e.goyaml(), "invalid document separator: --- |");
        assert!(split_documents("").unwrap().is_empty());
    }

    #[test]
    fn positions_refer_to_the_original_text() {
        let src = "a: 1\r\n---\r\nb: x\r\n";
        let docs = parse_resources(src, "f", &ParseOptions::default()).unwrap();
        let b = docs[1].get("b").unwrap();
        assert_eq!((b.pos.line, b.pos.column), (3, 4));
        assert_eq!(&src[b.pos.offset..b.pos.offset + 1], "x");
        let e = parse_resources("a: 1\n---\nb: c: d\n", "f", &ParseOptions::default()).unwrap_err();
        assert_eq!(e.line, 3);
        // On a piece's first line go-yaml's 0-based mark is 0, and it prints no line at all.
        assert_eq!(
            e.goyaml(),
            "yaml: mapping values are not allowed in this context"
        );
    }
}
