//! The document tree: nodes that remember where they came from and how they were written.

use crate::resolve::Resolved;

/// A position in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (as go-yaml counts them).
    pub column: usize,
    /// 0-based byte offset into the source string.
    pub offset: usize,
}

/// How a scalar was (or should be) written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ScalarStyle {
    /// `value`
    #[default]
    Plain,
    /// `'value'`
    SingleQuoted,
    /// `"value"`
    DoubleQuoted,
    /// `|` block
    Literal,
    /// `>` block
    Folded,
}

impl ScalarStyle {
    /// True for the two quoted styles.
    pub fn is_quoted(self) -> bool {
        matches!(self, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
    }
}

/// A scalar: its value after unescaping and folding, plus how it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value, with escapes processed and block scalars folded/chomped.
    pub value: String,
    /// The exact source text of the scalar, including quotes or block header (empty for
    /// scalars that were not written, e.g. an empty value `a:`).
    pub raw: String,
    /// Style used in the source.
    pub style: ScalarStyle,
    /// What the scalar means under the schema used to parse it.
    pub resolved: Resolved,
}

/// A mapping: entries in source order. Keys are full nodes because YAML allows complex keys
/// and because key positions matter for error messages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    /// Key/value pairs in source order (merge keys already applied).
    pub entries: Vec<(Node, Node)>,
    /// Written in flow style (`{a: b}`).
    pub flow: bool,
}

/// A sequence.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sequence {
    /// Items in source order.
    pub items: Vec<Node>,
    /// Written in flow style (`[a, b]`).
    pub flow: bool,
}

/// The content of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar (string, number, bool or null).
    Scalar(Scalar),
    /// A sequence.
    Sequence(Sequence),
    /// A mapping.
    Mapping(Mapping),
}

/// A node of a parsed document. Aliases are already expanded into copies of their anchor's
/// node (copies keep the anchor's positions), and merge keys (`<<`) are applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts (for a node with an anchor or tag, where that property starts).
    pub pos: Pos,
    /// Explicit tag, short form for the core schema (`!!str`, `!!int`), otherwise as written
    /// with its handle expanded (`!foo`, `tag:example.com,2000:bar`).
    pub tag: Option<String>,
    /// The content.
    pub value: Value,
}

impl Node {
    /// A plain scalar node with a resolved kind, at no position. Handy to build trees by hand.
    pub fn scalar(value: impl Into<String>, resolved: Resolved) -> Node {
        Node {
            pos: Pos::default(),
            tag: None,
            value: Value::Scalar(Scalar {
                value: value.into(),
                raw: String::new(),
                style: ScalarStyle::Plain,
                resolved,
            }),
        }
    }

    /// A string scalar (style plain; emitters quote it if needed).
    pub fn string(value: impl Into<String>) -> Node {
        Node::scalar(value, Resolved::Str)
    }

    /// A null scalar.
    pub fn null() -> Node {
        Node::scalar("null", Resolved::Null)
    }

    /// A block mapping from entries.
    pub fn mapping(entries: Vec<(Node, Node)>) -> Node {
        Node {
            pos: Pos::default(),
            tag: None,
            value: Value::Mapping(Mapping {
                entries,
                flow: false,
            }),
        }
    }

    /// A block sequence from items.
    pub fn sequence(items: Vec<Node>) -> Node {
        Node {
            pos: Pos::default(),
            tag: None,
            value: Value::Sequence(Sequence { items, flow: false }),
        }
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The mapping, if this is one.
    pub fn as_mapping(&self) -> Option<&Mapping> {
        match &self.value {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// The mapping, mutably.
    pub fn as_mapping_mut(&mut self) -> Option<&mut Mapping> {
        match &mut self.value {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence, if this is one.
    pub fn as_sequence(&self) -> Option<&Sequence> {
        match &self.value {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text if this is a scalar that resolved to a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) if s.resolved == Resolved::Str => Some(&s.value),
            _ => None,
        }
    }

    /// True for a null scalar (`null`, `~`, empty value).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.resolved == Resolved::Null)
    }

    /// Looks up a mapping value by a string key (compares the key scalar's text).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_mapping()?.get(key)
    }

    /// Number of nodes in this subtree, keys included.
    pub fn count(&self) -> usize {
        match &self.value {
            Value::Scalar(_) => 1,
            Value::Sequence(s) => 1 + s.items.iter().map(Node::count).sum::<usize>(),
            Value::Mapping(m) => {
                1 + m
                    .entries
                    .iter()
                    .map(|(k, v)| k.count() + v.count())
                    .sum::<usize>()
            }
        }
    }

    /// Nesting depth: 0 for a scalar, 1 + the deepest child for a collection.
    pub fn depth(&self) -> usize {
        match &self.value {
            Value::Scalar(_) => 0,
            Value::Sequence(s) => 1 + s.items.iter().map(Node::depth).max().unwrap_or(0),
            Value::Mapping(m) => {
                1 + m
                    .entries
                    .iter()
                    .map(|(k, v)| k.depth().max(v.depth()))
                    .max()
                    .unwrap_or(0)
            }
        }
    }
}

impl Mapping {
    /// The value for a string key (the first one, if the key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Scalar(s) if s.value == key))
            .map(|(_, v)| v)
    }
}
