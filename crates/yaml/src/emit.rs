//! One libyaml-style emitter, configured to print like the go-yaml encoders.
//!
//! go-yaml v2 and v3 both carry a Go port of libyaml's emitter; the printed bytes depend on a
//! handful of decisions, all reproduced here:
//!
//! * scalar style: the encoder asks for plain, literal (strings with a newline) or
//!   double-quoted (strings that would read back as another type); the emitter then downgrades
//!   plain to single-quoted and single-quoted to double-quoted when the text needs it
//!   (`analyze`);
//! * folding of plain and quoted scalars once the column passes the width (80);
//! * block sequences inside mappings are "indentless" (`key:\n- item`);
//! * empty collections are written in flow style (`{}`, `[]`).
//!
//! [`EmitOptions::sigs_yaml`] is what `kustomize build` and Helm's `toYaml` print (both go
//! through sigs.k8s.io/yaml, i.e. JSON, go-yaml v2 and Go's map-key order);
//! [`EmitOptions::kyaml`] is go-yaml v3's node encoder as kyaml configures it, which keeps the
//! styles recorded in the [`Node`]s.

use std::borrow::Cow;

use crate::error::Error;
use crate::gofmt::{format_float_g, go_json_float};
use crate::json::from_json;
use crate::node::{Node, ScalarStyle, Value};
use crate::resolve::{go_parse_int, is_base60_float, is_old_bool, resolve_plain, Resolved, Schema};

/// Emitter settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmitOptions {
    /// Spaces per indentation level (libyaml's best_indent, 2..=9).
    pub indent: usize,
    /// Column after which plain and quoted scalars are folded (libyaml's best_width);
    /// `usize::MAX` never folds (go-yaml v3's default).
    pub width: usize,
    /// Order of mapping keys: as given, or sorted the way a go-yaml version sorts the keys of
    /// a Go map (which has no order of its own).
    pub key_order: KeyOrder,
    /// Indent block sequences that are mapping values (`key:\n  - item`), as go-yaml v3 does
    /// by default. Off: `key:\n- item` (go-yaml v2, and kyaml's compact v3 setting).
    pub indent_sequences: bool,
    /// Keep the styles recorded in the nodes (quoting, block scalars, flow collections), as
    /// go-yaml v3 does when encoding `yaml.Node`s. Otherwise every string is styled the way
    /// go-yaml encodes a Go `string`.
    pub keep_styles: bool,
    /// The go-yaml version to imitate: its resolver decides whether a plain string would read
    /// back as another type, and v3's emitter allows tabs in block scalars (v2 double-quotes
    /// them) and writes an empty plain scalar without a space before it.
    pub schema: Schema,
    /// Imitate the trip through Go's `encoding/json` that sigs.k8s.io/yaml makes before
    /// go-yaml prints: floats come back as ints when integral (`1.0` -> `1`, `1e20` ->
    /// `1e+20`), U+0085 is folded, characters go-yaml refuses are an error.
    pub json_round_trip: bool,
}

impl EmitOptions {
    /// sigs.k8s.io/yaml `Marshal`/`JSONToYAML`: what `kustomize build` and Helm's `toYaml`
    /// print. Keys sorted, go-yaml v2 encoder, indent 2, width 80.
    pub fn sigs_yaml() -> Self {
        EmitOptions {
            indent: 2,
            width: 80,
            key_order: KeyOrder::GoYamlV2,
            indent_sequences: false,
            keep_styles: false,
            schema: Schema::GoYamlV2,
            json_round_trip: true,
        }
    }

    /// go-yaml v3 encoding `yaml.Node`s with kyaml's settings (indent 2, sequences in
    /// mappings not indented, no line folding): key order and scalar styles are kept.
    pub fn kyaml() -> Self {
        EmitOptions {
            indent: 2,
            width: usize::MAX,
            key_order: KeyOrder::AsGiven,
            indent_sequences: false,
            keep_styles: true,
            schema: Schema::GoYamlV3,
            json_round_trip: false,
        }
    }
}

impl EmitOptions {
    /// Helm's `toYamlPretty`: go-yaml v3's encoder with indent 2 on the Go values (no JSON
    /// round trip: `1000000.0` prints as `1e+06`), sequences indented, keys in v3's order,
    /// no line folding.
    pub fn helm_pretty() -> Self {
        EmitOptions {
            indent: 2,
            width: usize::MAX,
            key_order: KeyOrder::GoYamlV3,
            indent_sequences: true,
            keep_styles: false,
            schema: Schema::GoYamlV3,
            json_round_trip: false,
        }
    }
}

/// How mapping keys are ordered when printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    /// Keep the order of the tree.
    AsGiven,
    /// go-yaml v2's `keyList` order: runs of digits compare as numbers, a letter sorts after
    /// a non-letter (`_x` < `Z` < `a9` < `a10`).
    GoYamlV2,
    /// go-yaml v3's order: like v2, except that right after a digit a letter sorts before a
    /// non-letter.
    GoYamlV3,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions::sigs_yaml()
    }
}

/// Prints one document (no `---`), ending with a newline.
///
/// Fails only with [`EmitOptions::json_round_trip`] set (the sigs.k8s.io/yaml round trip), for
/// strings holding characters that Go's JSON encoder leaves raw and go-yaml then refuses:
/// `yaml: control characters are not allowed`, as kustomize reports it.
pub fn emit_node(node: &Node, opts: &EmitOptions) -> Result<String, Error> {
    let mut e = Emitter::new(opts);
    e.document(node)?;
    Ok(e.out)
}

/// Prints documents separated by `---` lines, the way kustomize joins resources.
pub fn emit_documents(docs: &[Node], opts: &EmitOptions) -> Result<String, Error> {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&emit_node(d, opts)?);
    }
    Ok(out)
}

/// Prints a JSON value: with [`EmitOptions::sigs_yaml`] this is sigs.k8s.io/yaml `Marshal`,
/// i.e. Helm's `toYaml` (before Helm trims the final newline).
pub fn emit_json(value: &serde_json::Value, opts: &EmitOptions) -> Result<String, Error> {
    emit_node(&from_json(value), opts)
}

/// Prints JSON values as documents separated by `---` lines: `kustomize build` output.
pub fn emit_json_documents(
    values: &[serde_json::Value],
    opts: &EmitOptions,
) -> Result<String, Error> {
    let docs: Vec<Node> = values.iter().map(from_json).collect();
    emit_documents(&docs, opts)
}

/// What a string becomes after Go's `encoding/json` prints it and go-yaml reads it back, as
/// sigs.k8s.io/yaml does. Go leaves U+0085 (NEL) unescaped and YAML treats it as a line
/// break inside the double-quoted JSON string, so it is folded like one; characters YAML
/// does not accept in its input (DEL, C1 controls, U+FFFE/U+FFFF) are an error.
fn round_trip_string(s: &str) -> Result<Cow<'_, str>, Error> {
    // Plain ASCII (nearly every string) has nothing to check or fold.
    if s.bytes().all(|b| b < 0x7F) {
        return Ok(Cow::Borrowed(s));
    }
    if let Some(c) = s
        .chars()
        .find(|&c| matches!(c, '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}'))
    {
        let msg = format!(
            "control characters are not allowed (U+{:04X} cannot survive sigs.k8s.io/yaml's JSON round trip)",
            c as u32
        );
        return Err(
            Error::new("", 0, 0, msg).with_goyaml("yaml: control characters are not allowed")
        );
    }
    if !s.contains('\u{85}') {
        return Ok(Cow::Borrowed(s));
    }
    // libyaml's flow scalar folding: spaces before a break are dropped, a single break
    // becomes a space, n > 1 breaks become n - 1 newlines, spaces after a break are dropped.
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\u{85}' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        while out.ends_with(' ') {
            out.pop();
        }
        let mut breaks = 0;
        while i < chars.len() && (chars[i] == '\u{85}' || chars[i] == ' ') {
            if chars[i] == '\u{85}' {
                breaks += 1;
            }
            i += 1;
        }
        if breaks == 1 {
            out.push(' ');
        } else {
            for _ in 1..breaks {
                out.push('\n');
            }
        }
    }
    Ok(Cow::Owned(out))
}

// ---------------------------------------------------------------------------------------------
// Character classes, as libyaml defines them.

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_printable(c: char) -> bool {
    // libyaml only accepts characters of up to three UTF-8 bytes.
    c == '\n'
        || (' '..='~').contains(&c)
        || ('\u{A0}'..='\u{D7FF}').contains(&c)
        || (('\u{E000}'..='\u{FFFD}').contains(&c) && c != '\u{FEFF}')
}

/// What the emitter may do with a scalar (libyaml's `analyze_scalar`).
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(value: &str, v3: bool) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut f = ScalarScan::default();
    if value.starts_with("---") || value.starts_with("...") {
        f.block_indicators = true;
        f.flow_indicators = true;
    }
    // Every scalar written goes through here; most are ASCII, read without UTF-8 decoding.
    if value.is_ascii() {
        f.scan(value.bytes().map(char::from), v3);
    } else {
        f.scan(value.chars(), v3);
    }

    let mut a = Analysis {
        multiline: f.line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if f.leading_space || f.leading_break || f.trailing_space || f.trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if f.trailing_space {
        a.block_allowed = false;
    }
    if f.break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if f.space_break || f.tab_characters || f.special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if f.space_break || f.special_characters {
        a.block_allowed = false;
    }
    if f.line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if f.flow_indicators {
        a.flow_plain_allowed = false;
    }
    if f.block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// What [`analyze`] finds in one pass over a scalar's characters (libyaml's flags).
#[derive(Default)]
struct ScalarScan {
    block_indicators: bool,
    flow_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    tab_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

impl ScalarScan {
    fn scan(&mut self, chars: impl Iterator<Item = char>, v3: bool) {
        let mut chars = chars.peekable();
        let mut preceded_by_whitespace = true;
        let mut previous_space = false;
        let mut previous_break = false;
        let mut i = 0usize;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            let followed_by_whitespace = next.is_none_or(is_blank);
            let last = next.is_none();
            if i == 0 {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\''
                    | '"' | '%' | '@' | '`' => {
                        self.flow_indicators = true;
                        self.block_indicators = true;
                    }
                    '?' | ':' => {
                        self.flow_indicators = true;
                        if followed_by_whitespace {
                            self.block_indicators = true;
                        }
                    }
                    '-' if followed_by_whitespace => {
                        self.flow_indicators = true;
                        self.block_indicators = true;
                    }
                    _ => {}
                }
            } else {
                match c {
                    ',' | '?' | '[' | ']' | '{' | '}' => self.flow_indicators = true,
                    ':' => {
                        self.flow_indicators = true;
                        if followed_by_whitespace {
                            self.block_indicators = true;
                        }
                    }
                    '#' if preceded_by_whitespace => {
                        self.flow_indicators = true;
                        self.block_indicators = true;
                    }
                    _ => {}
                }
            }
            // The encoder turns on unicode output, so only unprintable characters are special.
            // go-yaml v3 singles out tabs: fine in block scalars, not plain or single-quoted.
            if v3 && c == '\t' {
                self.tab_characters = true;
            } else if !is_printable(c) {
                self.special_characters = true;
            }
            if c == ' ' {
                if i == 0 {
                    self.leading_space = true;
                }
                if last {
                    self.trailing_space = true;
                }
                if previous_break {
                    self.break_space = true;
                }
                previous_space = true;
                previous_break = false;
            } else if is_break(c) {
                self.line_breaks = true;
                if i == 0 {
                    self.leading_break = true;
                }
                if last {
                    self.trailing_break = true;
                }
                if previous_space {
                    self.space_break = true;
                }
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = is_blank(c) || is_break(c);
            i += 1;
        }
    }
}

/// Whether libyaml may write `value` as a block scalar.
pub(crate) fn block_allowed(value: &str, v3: bool) -> bool {
    analyze(value, v3).block_allowed
}

// ---------------------------------------------------------------------------------------------

/// A scalar as the encoder hands it to the emitter.
struct ScalarEvent<'n> {
    /// The text, borrowed from the node when printing does not change it.
    value: Cow<'n, str>,
    /// Tag to print (already decided by the encoder), e.g. `!custom`.
    tag: Option<String>,
    style: ScalarStyle,
}

#[derive(Clone, Copy, Default)]
struct Context {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

struct Emitter<'o> {
    opts: &'o EmitOptions,
    out: String,
    indent: i64,
    indents: Vec<i64>,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    flow_level: usize,
    ctx: Context,
}

impl<'o> Emitter<'o> {
    fn new(opts: &'o EmitOptions) -> Self {
        Emitter {
            opts,
            out: String::new(),
            indent: -1,
            indents: Vec::new(),
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: false,
            flow_level: 0,
            ctx: Context::default(),
        }
    }

    fn v3(&self) -> bool {
        self.opts.schema == Schema::GoYamlV3
    }

    fn best_indent(&self) -> i64 {
        self.opts.indent.clamp(2, 9) as i64
    }

    fn best_width(&self) -> usize {
        if self.opts.width <= self.opts.indent.clamp(2, 9) * 2 {
            80
        } else {
            self.opts.width
        }
    }

    fn document(&mut self, node: &Node) -> Result<(), Error> {
        if self.opts.json_round_trip {
            check_strings(node)?;
        }
        self.node(
            node,
            Context {
                root: true,
                ..Context::default()
            },
        );
        // Document end: finish the last line.
        self.write_indent();
        Ok(())
    }

    // --- low-level writers ---

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent() } else { 0 };
        } else if !indentless {
            self.indent += self.best_indent();
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    // --- nodes ---

    fn node(&mut self, node: &Node, ctx: Context) {
        self.ctx = ctx;
        match &node.value {
            Value::Scalar(_) => {
                let ev = self.scalar_event(node);
                self.scalar(&ev);
            }
            Value::Sequence(s) => {
                let tag = self.collection_tag(node, "!!seq");
                if let Some(t) = &tag {
                    self.write_tag(t);
                }
                let flow =
                    self.flow_level > 0 || (self.opts.keep_styles && s.flow) || s.items.is_empty();
                if flow {
                    self.flow_sequence(&s.items);
                } else {
                    self.block_sequence(&s.items);
                }
            }
            Value::Mapping(m) => {
                let tag = self.collection_tag(node, "!!map");
                if let Some(t) = &tag {
                    self.write_tag(t);
                }
                let entries: Vec<&(Node, Node)> = match self.opts.key_order {
                    KeyOrder::AsGiven => m.entries.iter().collect(),
                    order => sorted_entries(&m.entries, order == KeyOrder::GoYamlV3),
                };
                let flow =
                    self.flow_level > 0 || (self.opts.keep_styles && m.flow) || entries.is_empty();
                if flow {
                    self.flow_mapping(&entries);
                } else {
                    self.block_mapping(&entries);
                }
            }
        }
    }

    fn collection_tag(&self, node: &Node, implicit: &str) -> Option<String> {
        if !self.opts.keep_styles {
            return None;
        }
        node.tag.clone().filter(|t| t != implicit)
    }

    fn block_sequence(&mut self, items: &[Node]) {
        let indentless = self.ctx.mapping && !self.indention && !self.opts.indent_sequences;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Context::default());
        }
        self.pop_indent();
    }

    fn flow_sequence(&mut self, items: &[Node]) {
        self.write_indicator("[", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.best_width() {
                self.write_indent();
            }
            self.node(item, Context::default());
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("]", false, false, false);
    }

    fn block_mapping(&mut self, entries: &[&(Node, Node)]) {
        self.increase_indent(false, false);
        for (k, v) in entries.iter().map(|e| (&e.0, &e.1)) {
            self.write_indent();
            let key_ctx = Context {
                mapping: true,
                ..Context::default()
            };
            if self.is_simple_key(k) {
                self.node(
                    k,
                    Context {
                        simple_key: true,
                        ..key_ctx
                    },
                );
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.node(k, key_ctx);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(v, key_ctx);
        }
        self.pop_indent();
    }

    fn flow_mapping(&mut self, entries: &[&(Node, Node)]) {
        self.write_indicator("{", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, (k, v)) in entries.iter().map(|e| (&e.0, &e.1)).enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.best_width() {
                self.write_indent();
            }
            let key_ctx = Context {
                mapping: true,
                ..Context::default()
            };
            if self.is_simple_key(k) {
                self.node(
                    k,
                    Context {
                        simple_key: true,
                        ..key_ctx
                    },
                );
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, false);
                self.node(k, key_ctx);
                if self.column > self.best_width() {
                    self.write_indent();
                }
                self.write_indicator(":", true, false, false);
            }
            self.node(v, key_ctx);
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("}", false, false, false);
    }

    /// libyaml's `check_simple_key`: single-line scalars (or empty collections) of at most
    /// 128 bytes, tag included, can be written as `key: value`.
    fn is_simple_key(&self, k: &Node) -> bool {
        match &k.value {
            Value::Scalar(_) => {
                let ev = self.scalar_event(k);
                // `analyze(..).multiline`, without the rest of the analysis.
                if ev.value.contains(is_break) {
                    return false;
                }
                ev.value.len() + ev.tag.as_ref().map_or(0, String::len) <= 128
            }
            Value::Sequence(s) => s.items.is_empty(),
            Value::Mapping(m) => m.entries.is_empty(),
        }
    }

    /// The encoder's part: the text and the style to request for a scalar node.
    fn scalar_event<'n>(&self, node: &'n Node) -> ScalarEvent<'n> {
        let Value::Scalar(s) = &node.value else {
            return ScalarEvent {
                value: Cow::Borrowed(""),
                tag: None,
                style: ScalarStyle::Plain,
            };
        };
        if self.opts.keep_styles {
            return self.node_scalar_event(node, s);
        }
        match s.resolved {
            Resolved::Str | Resolved::Timestamp | Resolved::Merge => {
                self.string_event(self.scalar_text(s))
            }
            _ => ScalarEvent {
                value: self.scalar_text(s),
                tag: None,
                style: ScalarStyle::Plain,
            },
        }
    }

    /// The text a scalar is printed as (without `keep_styles`): numbers, booleans and null
    /// as the encoder spells them, strings as they read back after the JSON round trip.
    fn scalar_text<'n>(&self, s: &'n crate::node::Scalar) -> Cow<'n, str> {
        match s.resolved {
            Resolved::Null => Cow::Borrowed("null"),
            Resolved::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Resolved::Int(i) => Cow::Owned(i.to_string()),
            Resolved::Float(f) => Cow::Owned(self.float_text(f)),
            Resolved::Str | Resolved::Timestamp | Resolved::Merge => {
                if self.opts.json_round_trip {
                    // Errors were reported by `check_strings` before printing started.
                    round_trip_string(&s.value).unwrap_or(Cow::Borrowed(&s.value))
                } else {
                    Cow::Borrowed(&s.value)
                }
            }
        }
    }

    fn float_text(&self, f: f64) -> String {
        if self.opts.json_round_trip && f.is_finite() {
            // Go prints the float as JSON, go-yaml reads that text back: integral values
            // become ints.
            let json = go_json_float(f);
            if let Some(i) = go_parse_int(&json) {
                return i.to_string();
            }
        }
        format_float_g(f, false)
    }

    /// go-yaml's `stringv`: plain unless the text would read back as something else (or as
    /// a YAML 1.1 number/boolean), literal if it has a newline.
    fn string_event<'n>(&self, s: Cow<'n, str>) -> ScalarEvent<'n> {
        let plain_ok = resolve_plain(&s, self.opts.schema) == Resolved::Str
            && !is_base60_float(&s)
            && !(self.opts.schema == Schema::GoYamlV3 && is_old_bool(&s));
        let style = if s.contains('\n') {
            ScalarStyle::Literal
        } else if plain_ok {
            ScalarStyle::Plain
        } else {
            ScalarStyle::DoubleQuoted
        };
        ScalarEvent {
            value: s,
            tag: None,
            style,
        }
    }

    /// go-yaml v3's node encoder: keep the node's style; drop tags that the plain text
    /// implies; quote strings whose plain text would resolve to another type.
    fn node_scalar_event<'n>(&self, node: &Node, s: &'n crate::node::Scalar) -> ScalarEvent<'n> {
        // A tag written in the source is kept as is (go-yaml marks such nodes TaggedStyle).
        if let Some(t) = &node.tag {
            return ScalarEvent {
                value: Cow::Borrowed(&s.value),
                tag: Some(t.clone()),
                style: s.style,
            };
        }
        let effective = match s.resolved {
            // A plain `<<` left as a value is just text.
            Resolved::Merge => "!!str",
            r => r.tag(),
        };
        let mut force_quoting = false;
        let mut tag = Some(effective.to_string());
        if effective == "!!str"
            && matches!(
                s.style,
                ScalarStyle::SingleQuoted
                    | ScalarStyle::DoubleQuoted
                    | ScalarStyle::Literal
                    | ScalarStyle::Folded
            )
        {
            tag = None;
        } else {
            let rtag = resolve_plain(&s.value, Schema::GoYamlV3).tag();
            if rtag == effective {
                tag = None;
            } else if effective == "!!str" {
                tag = None;
                force_quoting = true;
            }
        }
        let style = match s.style {
            ScalarStyle::Plain if s.value.contains('\n') => ScalarStyle::Literal,
            ScalarStyle::Plain if force_quoting => ScalarStyle::DoubleQuoted,
            other => other,
        };
        ScalarEvent {
            value: Cow::Borrowed(&s.value),
            tag,
            style,
        }
    }

    fn write_tag(&mut self, tag: &str) {
        self.write_indicator(tag, true, false, false);
    }

    fn scalar(&mut self, ev: &ScalarEvent) {
        let a = analyze(&ev.value, self.v3());
        let style = self.select_style(ev, &a);
        if let Some(t) = &ev.tag {
            self.write_tag(t);
        }
        self.increase_indent(true, false);
        let allow_breaks = !self.ctx.simple_key;
        match style {
            ScalarStyle::Plain => self.write_plain(&ev.value, allow_breaks),
            ScalarStyle::SingleQuoted => self.write_single_quoted(&ev.value, allow_breaks),
            ScalarStyle::DoubleQuoted => self.write_double_quoted(&ev.value, allow_breaks),
            ScalarStyle::Literal => self.write_literal(&ev.value),
            ScalarStyle::Folded => self.write_folded(&ev.value),
        }
        self.pop_indent();
    }

    /// libyaml's `select_scalar_style`.
    fn select_style(&self, ev: &ScalarEvent, a: &Analysis) -> ScalarStyle {
        let mut style = ev.style;
        if self.ctx.simple_key && a.multiline {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = ScalarStyle::SingleQuoted;
            }
            if ev.value.is_empty() && (self.flow_level > 0 || self.ctx.simple_key) {
                style = ScalarStyle::SingleQuoted;
            }
        }
        if style == ScalarStyle::SingleQuoted && !a.single_quoted_allowed {
            style = ScalarStyle::DoubleQuoted;
        }
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
            && (!a.block_allowed || self.flow_level > 0 || self.ctx.simple_key)
        {
            style = ScalarStyle::DoubleQuoted;
        }
        style
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        // v3 writes nothing at all for an empty plain scalar (`key:`), v2 a space.
        let skip = self.whitespace || (self.v3() && value.is_empty());
        if !skip {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let width = self.best_width();
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > width && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !(self.v3() && value.is_empty()) {
            self.whitespace = false;
        }
        self.indention = false;
        if self.ctx.root {
            self.open_ended = true;
        }
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let width = self.best_width();
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > width
                    && i > 0
                    && i + 1 < chars.len()
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        let starts_with_bom = value.starts_with('\u{FEFF}');
        let mut spaces = false;
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let width = self.best_width();
        for (i, &c) in chars.iter().enumerate() {
            // libyaml's is_bom looks at the start of the value, not at position i: a value that
            // starts with a BOM gets every character escaped (go-yaml prints "\uFEFF\x7A").
            if starts_with_bom
                || !is_printable(c)
                || c == '\u{FEFF}'
                || is_break(c)
                || c == '"'
                || c == '\\'
            {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{07}' => self.put('a'),
                    '\u{08}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{0B}' => self.put('v'),
                    '\u{0C}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1B}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{A0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, digits) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let d = (v >> (k * 4)) & 0xF;
                            self.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > width && i > 0 && i + 1 < chars.len() {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_hints(&mut self, value: &str) {
        let mut chars = value.chars();
        if let Some(first) = value.chars().next() {
            if first == ' ' || is_break(first) {
                let hint = char::from_digit(self.best_indent() as u32, 10).unwrap_or('2');
                self.write_indicator(&hint.to_string(), false, false, false);
            }
        }
        self.open_ended = false;
        let last = chars.next_back();
        let chomp = match last {
            None => Some('-'),
            Some(c) if !is_break(c) => Some('-'),
            Some(_) => match chars.next_back() {
                None => {
                    self.open_ended = true;
                    Some('+')
                }
                Some(p) if is_break(p) => {
                    self.open_ended = true;
                    Some('+')
                }
                Some(_) => None,
            },
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn write_folded(&mut self, value: &str) {
        self.write_indicator(">", true, false, false);
        self.write_block_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let chars: Vec<char> = value.chars().collect();
        let mut breaks = true;
        let mut leading_spaces = true;
        let width = self.best_width();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_break(c) {
                if !breaks && !leading_spaces && c == '\n' {
                    // libyaml scans from the start of the value here (k starts at 0), so
                    // this only looks at leading breaks of the whole value.
                    let mut k = 0;
                    while k < chars.len() && is_break(chars[k]) {
                        k += 1;
                    }
                    let blankz = chars.get(k).is_none_or(|&ch| is_blank(ch) || is_break(ch));
                    if !blankz {
                        self.put_break();
                    }
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    leading_spaces = is_blank(c);
                }
                if !breaks && c == ' ' && chars.get(i + 1) != Some(&' ') && self.column > width {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                self.indention = false;
                breaks = false;
            }
            i += 1;
        }
    }
}

/// Rejects, before anything is printed, strings that cannot survive the JSON round trip.
fn check_strings(node: &Node) -> Result<(), Error> {
    match &node.value {
        Value::Scalar(s) => round_trip_string(&s.value).map(|_| ()),
        Value::Sequence(s) => s.items.iter().try_for_each(check_strings),
        Value::Mapping(m) => m
            .entries
            .iter()
            .try_for_each(|(k, v)| check_strings(k).and_then(|_| check_strings(v))),
    }
}

/// Entries in go-yaml v2's map-key order (its `keyList.Less`): numbers by value, strings
/// compared rune by rune with letters after non-letters and digit runs compared as numbers.
fn sorted_entries(entries: &[(Node, Node)], v3: bool) -> Vec<&(Node, Node)> {
    let keys = entries
        .iter()
        .map(|(k, _)| k.as_scalar().map_or("", |s| s.value.as_str()));
    key_order(keys, v3)
        .into_iter()
        .map(|i| &entries[i])
        .collect()
}

/// The order go-yaml v2 prints map keys in ([`KeyOrder::GoYamlV2`]), as indices into
/// `keys`: for code that writes simple YAML without building nodes.
pub fn go_yaml_v2_key_order<'k>(keys: impl Iterator<Item = &'k str>) -> Vec<usize> {
    key_order(keys, false)
}

fn key_order<'k>(keys: impl Iterator<Item = &'k str>, v3: bool) -> Vec<usize> {
    let keys: Vec<&str> = keys.collect();
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    if keys.iter().all(|k| k.is_ascii()) {
        // ASCII keys compare as bytes: no decoding (toYaml sorts label maps on every call).
        merge_sort(&mut idx, &|a, b| {
            key_less(keys[*a].as_bytes(), keys[*b].as_bytes(), v3)
        });
    } else {
        let keys: Vec<Vec<char>> = keys.iter().map(|k| k.chars().collect()).collect();
        merge_sort(&mut idx, &|a, b| key_less(&keys[*a], &keys[*b], v3));
    }
    idx
}

/// Slices up to this long are sorted by insertion, as Go's `sort.Sort` sorts them.
const INSERTION_SORT_MAX: usize = 12;

/// A merge sort driven by a "less" function: unlike `sort_by`, it cannot panic when the
/// function is not a total order (Go's comparator need not be one).
fn merge_sort<T: Copy>(v: &mut [T], less: &dyn Fn(&T, &T) -> bool) {
    if v.len() <= INSERTION_SORT_MAX {
        // What Go's sort.Sort does with so few (and no allocation: label maps are small).
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && less(&v[j], &v[j - 1]) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], less);
    merge_sort(&mut v[mid..], less);
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if less(&v[j], &v[i]) {
            merged.push(v[j]);
            j += 1;
        } else {
            merged.push(v[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.copy_from_slice(&merged);
}

/// Go's `unicode.IsDigit` (decimal digits of any script).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// Go's `keyList.Less` over the runes of two keys (bytes for ASCII keys, chars otherwise).
fn key_less<C: Copy + Into<char> + PartialEq>(a: &[C], b: &[C], v3: bool) -> bool {
    let at = |s: &[C], i: usize| -> char { s[i].into() };
    // Keys share long prefixes (`app.kubernetes.io/...`): the common one is skipped by
    // plain comparison; only whether its last rune is a digit matters after it.
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let mut digits = same > 0 && is_digit(at(a, same - 1));
    for i in same..a.len().min(b.len()) {
        let (ac, bc) = (at(a, i), at(b, i));
        if ac == bc {
            digits = is_digit(ac);
            continue;
        }
        let al = ac.is_alphabetic();
        let bl = bc.is_alphabetic();
        if al && bl {
            return ac < bc;
        }
        if al || bl {
            return if v3 && digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ac == '0' || bc == '0' {
            let mut j = i;
            while j > 0 && is_digit(at(a, j - 1)) {
                if at(a, j - 1) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
                j -= 1;
            }
        }
        let mut ai = i;
        while ai < a.len() && is_digit(at(a, ai)) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(at(a, ai) as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < b.len() && is_digit(at(b, bi)) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(at(b, bi) as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ac < bc;
    }
    a.len() < b.len()
}
