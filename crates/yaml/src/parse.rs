//! Builds [`Node`] trees from saphyr-parser events, applying go-yaml's rules on top:
//! per-document anchors, alias expansion under [`Limits`], merge keys, duplicate-key errors,
//! and go-yaml's scalar resolution.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle as SStyle, ScanError, Span, Tag};

use crate::error::Error;
use crate::limits::Limits;
use crate::node::{Mapping, Node, Pos, Scalar, ScalarStyle, Sequence, Value};
use crate::resolve::{resolve_plain, resolve_tagged, Resolved, Schema};

/// What to do when a mapping repeats a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DuplicateKeys {
    /// Fail like go-yaml v3 and sigs.k8s.io/yaml strict mode:
    /// `mapping key "a" already defined at line 6`.
    #[default]
    Error,
    /// Keep the last value at the first key's place, like go-yaml v2 decoding into a map
    /// (Helm values).
    LastWins,
}

/// Parser settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// How plain scalars are typed.
    pub schema: Schema,
    /// Resource bounds.
    pub limits: Limits,
    /// Repeated keys policy.
    pub duplicate_keys: DuplicateKeys,
}

impl ParseOptions {
    /// Settings matching go-yaml v2 as Helm uses it for values: YAML 1.1 booleans, repeated
    /// keys allowed (last wins).
    pub fn helm_values() -> Self {
        ParseOptions {
            schema: Schema::GoYamlV2,
            limits: Limits::default(),
            duplicate_keys: DuplicateKeys::LastWins,
        }
    }
}

/// Parses every document of a YAML stream with go-yaml v3 semantics and default limits.
///
/// An empty stream (or one with only comments) has no documents; an explicit empty document
/// (`---` followed by nothing) is a null scalar node.
pub fn parse_documents(src: &str, file: &str) -> Result<Vec<Node>, Error> {
    parse_documents_with(src, file, &ParseOptions::default())
}

/// Parses every document of a YAML stream with the given options.
pub fn parse_documents_with(
    src: &str,
    file: &str,
    opts: &ParseOptions,
) -> Result<Vec<Node>, Error> {
    if src.len() > opts.limits.max_input_bytes {
        return Err(Error::new(
            file,
            0,
            0,
            format!(
                "input is {} bytes, more than the limit of {} bytes",
                src.len(),
                opts.limits.max_input_bytes
            ),
        ));
    }
    check_characters(src, file)?;
    // Two places where saphyr is stricter than go-yaml are patched in the text and parsing
    // starts again: `key:<TAB>value` (tabs become spaces, same length) and continuation lines
    // of quoted scalars indented less than saphyr wants (spaces are inserted; leading blanks
    // of such lines are not part of the value, and positions are mapped back afterwards).
    let mut text: Option<String> = None;
    let mut inserted: Vec<Insertion> = Vec::new();
    // Characters swapped for others of the same UTF-8 length, swapped back in the values.
    let mut swaps: Vec<Swap> = Vec::new();
    // A BOM is only special at the start of the stream for go-yaml, elsewhere it is text;
    // saphyr refuses it inside documents, so it is swapped for an unused private-use character.
    let body_start = src.strip_prefix('\u{FEFF}').map_or(0, |_| 3);
    if src[body_start..].contains('\u{FEFF}') {
        let Some(stand_in) = ('\u{E000}'..='\u{F8FF}').rev().find(|c| !src.contains(*c)) else {
            return Err(Error::new(
                file,
                0,
                0,
                "too many distinct private-use characters",
            ));
        };
        let mut patched = src[..body_start].to_string();
        patched.push_str(&src[body_start..].replace('\u{FEFF}', &stand_in.to_string()));
        text = Some(patched);
        swaps.push(Swap {
            value: (stand_in, "\u{FEFF}"),
            raw: (stand_in.to_string(), "\u{FEFF}".to_string()),
        });
    }
    for _ in 0..MAX_PATCHES {
        let current = text.as_deref().unwrap_or(src);
        match build(current, file, opts) {
            Ok(mut docs) => {
                for d in docs.iter_mut() {
                    if !inserted.is_empty() {
                        unshift(d, &inserted);
                    }
                    for swap in &swaps {
                        swap_back(d, swap);
                    }
                }
                return Ok(docs);
            }
            Err(Retry::Fail(e)) => return Err(e),
            Err(Retry::TabAfterColon(at)) => {
                let mut bytes = current.as_bytes().to_vec();
                let mut i = at;
                while i > 0 && bytes[i - 1] == b'\t' {
                    bytes[i - 1] = b' ';
                    i -= 1;
                }
                // Only ASCII tabs were replaced by ASCII spaces: still valid UTF-8.
                text = Some(String::from_utf8(bytes).unwrap_or_default());
            }
            Err(Retry::QuotedIndent(quote, e)) => {
                let (patched, added) = indent_quoted_continuations(current, quote);
                if added.is_empty() {
                    return Err(e);
                }
                inserted.extend(added);
                text = Some(patched);
            }
            Err(Retry::UnknownEscape(quote, e)) => {
                // go-yaml knows `\'`; saphyr does not. It becomes an escape of a control
                // character that the text cannot otherwise contain, swapped back afterwards.
                let existing = swaps.iter().find_map(|s| s.escape());
                let chosen = existing.or_else(|| {
                    [
                        ('v', '\u{0B}'),
                        ('f', '\u{0C}'),
                        ('b', '\u{08}'),
                        ('a', '\u{07}'),
                    ]
                    .into_iter()
                    .find(|(letter, _)| !src.contains(&format!("\\{letter}")))
                });
                let Some((letter, ch)) = chosen else {
                    return Err(e);
                };
                let Some(patched) = replace_escaped_quotes(current, quote, letter) else {
                    return Err(e);
                };
                if existing.is_none() {
                    swaps.push(Swap {
                        value: (ch, "'"),
                        raw: (format!("\\{letter}"), "\\'".to_string()),
                    });
                }
                text = Some(patched);
            }
        }
    }
    Err(Error::new(file, 0, 0, "too many syntax workarounds needed"))
}

const MAX_PATCHES: usize = 64;

/// A character swapped in before parsing and back afterwards: in values, `value.0` becomes
/// `value.1`; in raw text, `raw.0` becomes `raw.1`.
struct Swap {
    value: (char, &'static str),
    raw: (String, String),
}

impl Swap {
    /// The `\x` escape standing for `\'`, if this swap is one.
    fn escape(&self) -> Option<(char, char)> {
        (self.value.1 == "'").then(|| (self.raw.0.chars().nth(1).unwrap_or('v'), self.value.0))
    }
}

fn swap_back(n: &mut Node, swap: &Swap) {
    match &mut n.value {
        Value::Scalar(s) => {
            if s.value.contains(swap.value.0) {
                s.value = s.value.replace(swap.value.0, swap.value.1);
            }
            if s.raw.contains(swap.raw.0.as_str()) {
                s.raw = s.raw.replace(swap.raw.0.as_str(), &swap.raw.1);
            }
        }
        Value::Sequence(q) => q.items.iter_mut().for_each(|i| swap_back(i, swap)),
        Value::Mapping(m) => m.entries.iter_mut().for_each(|(k, v)| {
            swap_back(k, swap);
            swap_back(v, swap);
        }),
    }
}

/// Replaces each `\'` in the double-quoted scalar opening at `quote` by `\<letter>`.
fn replace_escaped_quotes(src: &str, quote: usize, letter: char) -> Option<String> {
    let b = src.as_bytes();
    if b.get(quote) != Some(&b'"') {
        return None;
    }
    let mut out = src.as_bytes().to_vec();
    let mut i = quote + 1;
    let mut changed = false;
    while i < b.len() && b[i] != b'"' {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\'') {
                out[i + 1] = letter as u8;
                changed = true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    if !changed {
        return None;
    }
    String::from_utf8(out).ok()
}

enum Retry {
    /// saphyr refused tabs ending just before this byte offset.
    TabAfterColon(usize),
    /// saphyr refused an escape in the double-quoted scalar opening at this byte offset.
    UnknownEscape(usize, Error),
    /// saphyr refused the indentation of the quoted scalar opening at this byte offset.
    QuotedIndent(usize, Error),
    Fail(Error),
}

/// Spaces inserted into the text: at a byte offset of the patched text, on a 1-based line.
#[derive(Clone, Copy)]
struct Insertion {
    offset: usize,
    line: usize,
    count: usize,
}

/// Indents the continuation lines of the quoted scalar opening at `quote` to the quote's
/// column.
fn indent_quoted_continuations(src: &str, quote: usize) -> (String, Vec<Insertion>) {
    let b = src.as_bytes();
    let Some(&q) = b.get(quote) else {
        return (src.to_string(), Vec::new());
    };
    // The opening quote's column is at least the block indentation saphyr checks against.
    let line_start = src[..quote].rfind('\n').map_or(0, |i| i + 1);
    let want = src[line_start..quote].chars().count().max(1);
    let mut line = src[..quote].matches('\n').count() + 1;
    let mut out = String::with_capacity(src.len() + 16);
    let mut added = Vec::new();
    let mut i = quote + 1;
    out.push_str(&src[..i]);
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && q == b'"' {
            // An escape: copy it with the escaped character.
            let next = src[i + 1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&src[i..i + 1 + next]);
            i += 1 + next;
            continue;
        }
        if c == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                out.push_str("''");
                i += 2;
                continue;
            }
            break;
        }
        if c == b'\n' {
            out.push('\n');
            i += 1;
            line += 1;
            let blanks = src[i..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .count();
            let rest = &src[i + blanks..];
            if blanks < want && !rest.starts_with(['\n', '\r']) && !rest.is_empty() {
                let count = want - blanks;
                added.push(Insertion {
                    offset: out.len(),
                    line,
                    count,
                });
                out.extend(std::iter::repeat_n(' ', count));
            }
            continue;
        }
        let len = src[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&src[i..i + len]);
        i += len;
    }
    out.push_str(&src[i.min(src.len())..]);
    (out, added)
}

/// Maps positions of the patched text back to the original.
fn unshift(n: &mut Node, inserted: &[Insertion]) {
    let q = n.pos.offset;
    for ins in inserted {
        if ins.offset <= q {
            n.pos.offset -= ins.count;
            if ins.line == n.pos.line && n.pos.column > ins.count {
                n.pos.column -= ins.count;
            }
        }
    }
    match &mut n.value {
        Value::Scalar(_) => {}
        Value::Sequence(s) => s.items.iter_mut().for_each(|i| unshift(i, inserted)),
        Value::Mapping(m) => m.entries.iter_mut().for_each(|(k, v)| {
            unshift(k, inserted);
            unshift(v, inserted);
        }),
    }
}

fn build(src: &str, file: &str, opts: &ParseOptions) -> Result<Vec<Node>, Retry> {
    let mut b = Builder {
        src,
        file,
        opts,
        offsets: Offsets::new(src),
        stack: Vec::new(),
        anchors: HashMap::new(),
        docs: Vec::new(),
        nodes: 0,
        alias_nodes: 0,
    };
    for ev in Parser::new_from_str(src) {
        let (ev, span) = match ev {
            Ok(x) => x,
            Err(e) => {
                let at = b.offsets.byte(src, e.marker().index());
                if e.info() == "':' must be followed by a valid YAML whitespace"
                    && at > 0
                    && src.as_bytes().get(at - 1) == Some(&b'\t')
                {
                    return Err(Retry::TabAfterColon(at));
                }
                if e.info() == "invalid indentation in quoted scalar" {
                    return Err(Retry::QuotedIndent(at, b.scan_error(&e)));
                }
                if e.info() == "while parsing a quoted scalar, found unknown escape character" {
                    return Err(Retry::UnknownEscape(at, b.scan_error(&e)));
                }
                return Err(Retry::Fail(b.scan_error(&e)));
            }
        };
        b.event(ev, span).map_err(Retry::Fail)?;
    }
    Ok(b.docs)
}

/// Parses a stream that must hold exactly one document (an empty stream is a null node).
pub fn parse_one(src: &str, file: &str, opts: &ParseOptions) -> Result<Node, Error> {
    let mut docs = parse_documents_with(src, file, opts)?;
    match docs.len() {
        0 => Ok(Node::null()),
        1 => Ok(docs.pop().unwrap_or_else(Node::null)),
        n => Err(Error::new(
            file,
            docs[1].pos.line,
            docs[1].pos.column,
            format!("expected a single document, found {n}"),
        )),
    }
}

/// go-yaml refuses input with characters outside YAML's printable set before parsing
/// anything (escapes inside double quotes are fine).
fn check_characters(src: &str, file: &str) -> Result<(), Error> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}')
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    let Some((at, _)) = src.char_indices().find(|&(_, c)| !allowed(c)) else {
        return Ok(());
    };
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    let msg = "control characters are not allowed";
    Err(Error::new(file, line, column, msg).with_goyaml(format!("yaml: {msg}")))
}

/// Maps saphyr's character indices to byte offsets. ASCII input needs no table; otherwise a
/// checkpoint every 64 characters keeps the lookup cheap without a per-character table.
struct Offsets {
    ascii: bool,
    checkpoints: Vec<usize>,
}

const STRIDE: usize = 64;

impl Offsets {
    fn new(src: &str) -> Self {
        if src.is_ascii() {
            return Offsets {
                ascii: true,
                checkpoints: Vec::new(),
            };
        }
        let checkpoints = src.char_indices().step_by(STRIDE).map(|(b, _)| b).collect();
        Offsets {
            ascii: false,
            checkpoints,
        }
    }

    fn byte(&self, src: &str, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(src.len());
        }
        let Some(&base) = self.checkpoints.get(char_index / STRIDE) else {
            return src.len();
        };
        src[base..]
            .char_indices()
            .nth(char_index % STRIDE)
            .map_or(src.len(), |(b, _)| base + b)
    }
}

enum Frame {
    Seq {
        node: Node,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        node: Node,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct Builder<'a> {
    src: &'a str,
    file: &'a str,
    opts: &'a ParseOptions,
    offsets: Offsets,
    stack: Vec<Frame>,
    /// Anchors of the current document: id -> (node, node count).
    anchors: HashMap<usize, (Node, usize)>,
    docs: Vec<Node>,
    nodes: usize,
    alias_nodes: usize,
}

impl Builder<'_> {
    fn pos(&self, m: &saphyr_parser::Marker) -> Pos {
        Pos {
            line: m.line(),
            column: m.col() + 1,
            offset: self.offsets.byte(self.src, m.index()),
        }
    }

    fn err(&self, pos: Pos, msg: impl Into<String>) -> Error {
        Error::new(self.file, pos.line, pos.column, msg)
    }

    fn scan_error(&self, e: &ScanError) -> Error {
        let pos = self.pos(e.marker());
        let info = e.info();
        let mut message = goyaml_wording(info);
        // Inside a flow collection, saphyr's scanner rejects a stray ':' where libyaml's
        // parser reports the missing separator of the collection.
        let flow_top = match self.stack.last() {
            Some(Frame::Seq { node, .. }) => {
                node.as_sequence().is_some_and(|s| s.flow).then_some(']')
            }
            Some(Frame::Map { node, .. }) => {
                node.as_mapping().is_some_and(|m| m.flow).then_some('}')
            }
            None => None,
        };
        let mut parser_error = info.starts_with("while parsing");
        if message == "illegal placement of ':' indicator" {
            if let Some(close) = flow_top {
                message = format!("did not find expected ',' or '{close}'");
                parser_error = true;
            }
        }
        if message == "unknown anchor referenced" {
            // go-yaml names the anchor and gives no line.
            let rest = &self.src[pos.offset.min(self.src.len())..];
            let name: String = rest
                .trim_start_matches('*')
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
                .collect();
            let msg = format!("unknown anchor '{name}' referenced");
            return self
                .err(pos, msg.clone())
                .with_goyaml(format!("yaml: {msg}"));
        }
        // go-yaml prints "line N" from libyaml's marks, 0-based, plus one for scanner errors
        // only (its own off-by-one, kept because kustomize and Helm show it). v3 prefers the
        // context mark (where the construct being parsed started), v2 the problem mark.
        let scanner = !parser_error && !info.starts_with("did not find expected <");
        let problem0 = match message.as_str() {
            // saphyr marks the opening quote; libyaml's problem is the end of the input.
            "found unexpected end of stream" => self.src.matches('\n').count(),
            _ => pos.line - 1,
        };
        let context0 = if parser_error {
            self.stack.last().map_or(0, |f| match f {
                Frame::Seq { node, .. } | Frame::Map { node, .. } => node.pos.line - 1,
            })
        } else if info.starts_with("did not find expected <") {
            0
        } else if message == "could not find expected ':'" {
            // The would-be key: the last line with content before the problem.
            let before = self.src[..pos.offset.min(self.src.len())].trim_end();
            before.matches('\n').count()
        } else {
            // saphyr's mark is at (or on the line of) the scanner's context.
            pos.line - 1
        };
        let bump = usize::from(scanner);
        let line = match self.opts.schema {
            Schema::GoYamlV3 if context0 != 0 => context0 + bump,
            Schema::GoYamlV3 if problem0 != 0 => problem0 + bump,
            Schema::GoYamlV2 if problem0 != 0 => problem0 + bump,
            Schema::GoYamlV2 if context0 != 0 => context0,
            _ => 0,
        };
        if line == 0 {
            return self
                .err(pos, message.clone())
                .with_goyaml(format!("yaml: {message}"));
        }
        let goyaml = format!("yaml: line {line}: {message}");
        self.err(pos, message).with_goyaml(goyaml)
    }

    fn event(&mut self, ev: Event<'_>, span: Span) -> Result<(), Error> {
        let pos = self.pos(&span.start);
        match ev {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                // go-yaml scopes anchors to their document.
                self.anchors.clear();
            }
            Event::Alias(id) => {
                let Some((node, count)) = self.anchors.get(&id) else {
                    return Err(self.err(pos, "unknown anchor referenced"));
                };
                let (node, count) = (node.clone(), *count);
                self.alias_nodes += count;
                if self.alias_nodes > self.opts.limits.max_alias_nodes {
                    let msg = "document contains excessive aliasing";
                    return Err(self.err(pos, msg).with_goyaml(format!("yaml: {msg}")));
                }
                if self.stack.len() + node.depth() > self.opts.limits.max_depth {
                    return Err(self.err(pos, self.depth_message()));
                }
                self.count_nodes(pos, count)?;
                self.complete(node, 0)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.count_nodes(pos, 1)?;
                let tag = tag.map(|t| short_tag(&t));
                let node = self.scalar(&value, style, tag, pos, &span)?;
                self.complete(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.push_check(pos)?;
                let flow = self.src.as_bytes().get(pos.offset) == Some(&b'[') || {
                    // With properties (`&a [..]`), the bracket comes later on the line.
                    let rest = &self.src[pos.offset..];
                    (rest.starts_with('&') || rest.starts_with('!'))
                        && first_content_after_props(rest) == Some('[')
                };
                let node = Node {
                    pos,
                    tag: tag.map(|t| short_tag(&t)),
                    value: Value::Sequence(Sequence {
                        items: Vec::new(),
                        flow,
                    }),
                };
                self.stack.push(Frame::Seq {
                    node,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.push_check(pos)?;
                let rest = &self.src[pos.offset.min(self.src.len())..];
                let flow = rest.starts_with('{')
                    || ((rest.starts_with('&') || rest.starts_with('!'))
                        && first_content_after_props(rest) == Some('{'));
                let node = Node {
                    pos,
                    tag: tag.map(|t| short_tag(&t)),
                    value: Value::Mapping(Mapping {
                        entries: Vec::new(),
                        flow,
                    }),
                };
                self.stack.push(Frame::Map {
                    node,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    mut node,
                    anchor,
                    items,
                }) = self.stack.pop()
                {
                    if let Value::Sequence(s) = &mut node.value {
                        s.items = items;
                    }
                    self.complete(node, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    mut node,
                    anchor,
                    entries,
                    ..
                }) = self.stack.pop()
                {
                    let entries = self.finish_mapping(entries)?;
                    if let Value::Mapping(m) = &mut node.value {
                        m.entries = entries;
                    }
                    self.complete(node, anchor)?;
                }
            }
        }
        Ok(())
    }

    fn depth_message(&self) -> String {
        format!("exceeded max depth of {}", self.opts.limits.max_depth)
    }

    fn push_check(&mut self, pos: Pos) -> Result<(), Error> {
        self.count_nodes(pos, 1)?;
        if self.stack.len() >= self.opts.limits.max_depth {
            return Err(self.err(pos, self.depth_message()));
        }
        Ok(())
    }

    fn count_nodes(&mut self, pos: Pos, n: usize) -> Result<(), Error> {
        self.nodes += n;
        if self.nodes > self.opts.limits.max_nodes {
            return Err(self.err(
                pos,
                format!(
                    "document has more than {} nodes",
                    self.opts.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn scalar(
        &self,
        value: &str,
        style: SStyle,
        tag: Option<String>,
        pos: Pos,
        span: &Span,
    ) -> Result<Node, Error> {
        let style = match style {
            SStyle::Plain => ScalarStyle::Plain,
            SStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            SStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            SStyle::Literal => ScalarStyle::Literal,
            SStyle::Folded => ScalarStyle::Folded,
        };
        let schema = self.opts.schema;
        let resolved = match tag.as_deref() {
            // `!` alone forces a string in go-yaml.
            // go-yaml's parser gives a plain `<<` the merge tag; its resolver would say string.
            None if style == ScalarStyle::Plain && value == "<<" => Resolved::Merge,
            None if style == ScalarStyle::Plain => resolve_plain(value, schema),
            None | Some("!") => Resolved::Str,
            Some(t) => resolve_tagged(t, value, schema).map_err(|m| self.err(pos, m))?,
        };
        let start = pos.offset;
        let end = self.offsets.byte(self.src, span.end.index()).max(start);
        if style == ScalarStyle::DoubleQuoted {
            self.check_escapes(start, end, pos)?;
        }
        let (pos, raw) = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            self.block_scalar_header(start, end, pos.line)
                .map_or((pos, String::new()), |(p, h)| {
                    (p, self.src[h..end].trim_end().to_string())
                })
        } else {
            let text = &self.src[start..end];
            (pos, strip_props(text).to_string())
        };
        Ok(Node {
            pos,
            tag,
            value: Value::Scalar(Scalar {
                value: value.to_string(),
                raw,
                style,
                resolved,
            }),
        })
    }

    /// saphyr follows YAML 1.2 and accepts `\/` in double quotes; go-yaml (libyaml, 1.1)
    /// rejects it.
    fn check_escapes(&self, start: usize, end: usize, pos: Pos) -> Result<(), Error> {
        let raw = &self.src[start..end.min(self.src.len())];
        let Some(quote) = raw.find('"') else {
            return Ok(());
        };
        let mut chars = raw[quote + 1..].char_indices();
        while let Some((_, c)) = chars.next() {
            if c != '\\' {
                continue;
            }
            if let Some((i, '/')) = chars.next() {
                let at = start + quote + i;
                let line = self.src[..at].matches('\n').count() + 1;
                let column = self.src[self.src[..at].rfind('\n').map_or(0, |n| n + 1)..at]
                    .chars()
                    .count();
                let msg = "found unknown escape character";
                // go-yaml names the line of the opening quote (or of the escape when the quote
                // is on the first line).
                let shown = if pos.line > 1 { pos.line } else { line };
                return Err(Error::new(self.file, line, column, msg)
                    .with_goyaml(format!("yaml: line {shown}: {msg}")));
            }
        }
        Ok(())
    }

    /// saphyr marks a block scalar at its first content line; go-yaml (and users) expect the
    /// `|`/`>` indicator. Finds it on the closest preceding non-blank line.
    fn block_scalar_header(
        &self,
        content: usize,
        end: usize,
        content_line: usize,
    ) -> Option<(Pos, usize)> {
        let before = &self.src[..content.min(end).min(self.src.len())];
        let trimmed = before.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let line = &trimmed[line_start..];
        let col = find_block_indicator(line)?;
        let at = line_start + col;
        // Counting back from the content line keeps this O(header distance), not O(offset).
        let line_no = content_line.saturating_sub(before[at..].matches('\n').count());
        let column = line[..col].chars().count() + 1;
        Some((
            Pos {
                line: line_no,
                column,
                offset: at,
            },
            at,
        ))
    }

    /// Hands a finished node to its parent (or makes it a document).
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Error> {
        if anchor != 0 {
            let count = node.count();
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }

    /// Checks duplicate keys and applies merge keys, the way go-yaml's decoder does: explicit
    /// keys win over merged ones wherever they appear, and among merged mappings the first
    /// one listed wins. Merged entries take the place of the `<<` entry.
    fn finish_mapping(&self, entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, Error> {
        // Most mappings are small: compare keys in place; hash only larger ones.
        let mut seen: HashMap<KeyId, usize> = HashMap::new();
        let hashed = entries.len() > 8;
        let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
        let mut merge: Option<(usize, Node)> = None;
        for (k, v) in entries {
            if is_merge_key(&k) {
                merge = Some((out.len(), v));
                continue;
            }
            if k.as_scalar().is_none() {
                out.push((k, v));
                continue;
            }
            let first = if hashed {
                key_id(&k).and_then(|id| match seen.get(&id) {
                    Some(&i) => Some(i),
                    None => {
                        seen.insert(id, out.len());
                        None
                    }
                })
            } else {
                out.iter().position(|(o, _)| same_key(o, &k))
            };
            if let Some(first) = first {
                match self.opts.duplicate_keys {
                    DuplicateKeys::Error => {
                        let shown = k.as_scalar().map_or("", |s| s.value.as_str());
                        let msg = format!(
                            "mapping key {:?} already defined at line {}",
                            shown, out[first].0.pos.line
                        );
                        let goyaml =
                            format!("yaml: unmarshal errors:\n  line {}: {msg}", k.pos.line);
                        return Err(self.err(k.pos, msg).with_goyaml(goyaml));
                    }
                    DuplicateKeys::LastWins => out[first].1 = v,
                }
                continue;
            }
            out.push((k, v));
        }
        let Some((at, source)) = merge else {
            return Ok(out);
        };
        let sources: Vec<&Mapping> = match &source.value {
            Value::Mapping(m) => vec![m],
            Value::Sequence(s) => {
                let mut v = Vec::new();
                for item in &s.items {
                    match &item.value {
                        Value::Mapping(m) => v.push(m),
                        _ => return Err(self.want_map(item.pos)),
                    }
                }
                v
            }
            _ => return Err(self.want_map(source.pos)),
        };
        let mut taken: HashSet<KeyId> = out.iter().filter_map(|(k, _)| key_id(k)).collect();
        let mut merged = Vec::new();
        for m in sources {
            for (k, v) in &m.entries {
                match key_id(k) {
                    Some(id) => {
                        if taken.insert(id) {
                            merged.push((k.clone(), v.clone()));
                        }
                    }
                    None => merged.push((k.clone(), v.clone())),
                }
            }
        }
        let tail = out.split_off(at);
        out.extend(merged);
        out.extend(tail);
        Ok(out)
    }

    fn want_map(&self, pos: Pos) -> Error {
        let msg = "map merge requires map or sequence of maps as the value";
        self.err(pos, msg).with_goyaml(format!("yaml: {msg}"))
    }
}

/// Identity of a scalar key for duplicate and merge checks: go-yaml compares decoded values,
/// so `1` and `"1"` differ while `a` and `"a"` are the same.
#[derive(Hash, PartialEq, Eq)]
struct KeyId(u8, String);

fn key_id(k: &Node) -> Option<KeyId> {
    let s = k.as_scalar()?;
    let kind = match s.resolved {
        Resolved::Str | Resolved::Timestamp | Resolved::Merge => 0,
        Resolved::Null => 1,
        Resolved::Bool(_) => 2,
        Resolved::Int(_) => 3,
        Resolved::Float(_) => 4,
    };
    let text = match s.resolved {
        Resolved::Null => String::new(),
        Resolved::Bool(b) => b.to_string(),
        Resolved::Int(i) => i.to_string(),
        Resolved::Float(f) => f.to_bits().to_string(),
        _ => s.value.clone(),
    };
    Some(KeyId(kind, text))
}

/// `key_id(a) == key_id(b)` without allocating.
fn same_key(a: &Node, b: &Node) -> bool {
    let (Some(x), Some(y)) = (a.as_scalar(), b.as_scalar()) else {
        return false;
    };
    let text_like =
        |r: Resolved| matches!(r, Resolved::Str | Resolved::Timestamp | Resolved::Merge);
    match (x.resolved, y.resolved) {
        (p, q) if text_like(p) && text_like(q) => x.value == y.value,
        (Resolved::Null, Resolved::Null) => true,
        (Resolved::Bool(p), Resolved::Bool(q)) => p == q,
        (Resolved::Int(p), Resolved::Int(q)) => p == q,
        (Resolved::Float(p), Resolved::Float(q)) => p.to_bits() == q.to_bits(),
        _ => false,
    }
}

fn is_merge_key(k: &Node) -> bool {
    matches!(&k.value, Value::Scalar(s) if s.resolved == Resolved::Merge && s.value == "<<")
}

/// Tag in go-yaml's short form: `tag:yaml.org,2002:str` becomes `!!str`.
fn short_tag(t: &Tag) -> String {
    if t.handle == "tag:yaml.org,2002:" {
        format!("!!{}", t.suffix)
    } else {
        format!("{}{}", t.handle, t.suffix)
    }
}

/// Skips `&anchor` / `!tag` properties (and the blanks after them) at the start of `text`.
fn strip_props(mut text: &str) -> &str {
    while text.starts_with('&') || text.starts_with('!') {
        let end = text.find(|c: char| c.is_whitespace()).unwrap_or(text.len());
        text = text[end..].trim_start();
    }
    text
}

fn first_content_after_props(text: &str) -> Option<char> {
    strip_props(text).chars().next()
}

/// Column (byte) of a block scalar indicator on a header line: `|` or `>` after a blank or at
/// the start, followed by at most two indicator characters, then the end or a comment.
fn find_block_indicator(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len()).find(|&i| {
        if !(b[i] == b'|' || b[i] == b'>') || (i > 0 && !matches!(b[i - 1], b' ' | b'\t')) {
            return false;
        }
        let mut j = i + 1;
        while j < b.len() && j <= i + 2 && (b[j].is_ascii_digit() || b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let rest = line[j..].trim_start();
        rest.is_empty() || (rest.starts_with('#') && j < b.len() && matches!(b[j], b' ' | b'\t'))
    })
}

/// go-yaml reports libyaml's "problem" without the "while parsing ..." context, and words a
/// few errors differently from saphyr.
fn goyaml_wording(info: &str) -> String {
    let msg = match info.split_once(", ") {
        Some((ctx, rest)) if ctx.starts_with("while ") => rest,
        _ => info,
    };
    match msg {
        "found unknown anchor" => "unknown anchor referenced".to_string(),
        "tabs disallowed within this context (block indentation)"
        | "tabs disallowed in this context"
        | "tab cannot be used as indentation" => {
            "found character that cannot start any token".to_string()
        }
        "expected ',' or ']'" => "did not find expected ',' or ']'".to_string(),
        "simple key expect ':'" => "could not find expected ':'".to_string(),
        m if m.starts_with("unexpected character: ") => {
            "found character that cannot start any token".to_string()
        }
        _ => msg.to_string(),
    }
}
