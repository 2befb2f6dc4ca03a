//! The parse tree, shaped like Go's `text/template/parse` nodes. Each node
//! keeps its byte position for error locations, and prints like Go's
//! `Node.String()` for error contexts.

use std::fmt::{self, Display, Write};
use std::sync::Arc;

/// One parsed template (a file, or a `define`d block).
#[derive(Debug)]
pub struct Tree {
    /// The template's name (`define` name or file name).
    pub name: String,
    /// The name of the text it was parsed from (for error locations),
    /// shared by the trees of one text.
    pub parse_name: Arc<str>,
    /// The full source text, to turn positions into line:column.
    pub text: Arc<str>,
    pub root: Vec<Node>,
}

impl Tree {
    /// Go's `ErrorContext` location: `NAME:LINE:COL`, LINE 1-based and COL
    /// the 0-based byte offset within the line.
    pub fn location(&self, pos: usize) -> String {
        let pos = pos.min(self.text.len());
        let text = &self.text.as_bytes()[..pos];
        let line = 1 + text.iter().filter(|c| **c == b'\n').count();
        let col = match text.iter().rposition(|c| *c == b'\n') {
            None => pos,
            Some(i) => pos - (i + 1),
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }

    /// Whether the body has nothing but whitespace text (Go's `IsEmptyTree`).
    pub fn is_empty(&self) -> bool {
        self.root.iter().all(|n| match n {
            Node::Text(t) => t.span.of(&self.text).trim().is_empty(),
            _ => false,
        })
    }
}

/// A byte range of the tree's source text: names, paths and literals point
/// into the text instead of owning copies, which kept the parser busy in
/// the allocator (Helm parses every template of a chart on every render).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The text this span covers in `src`.
    pub fn of(self, src: &str) -> &str {
        &src[self.start..self.end]
    }
}

#[derive(Debug)]
pub enum Node {
    Text(TextNode),
    Action(ActionNode),
    If(Box<BranchNode>),
    Range(Box<BranchNode>),
    With(Box<BranchNode>),
    Template(TemplateNode),
    Break(usize),
    Continue(usize),
}

/// Literal text between actions (its bytes are `span` of the source).
#[derive(Debug)]
pub struct TextNode {
    pub span: Span,
}

#[derive(Debug)]
pub struct ActionNode {
    pub pos: usize,
    pub pipe: Pipe,
}

#[derive(Debug)]
pub struct BranchNode {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

#[derive(Debug)]
pub struct TemplateNode {
    pub pos: usize,
    pub name: String,
    pub pipe: Option<Pipe>,
}

#[derive(Debug)]
pub struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    /// Declared variable names (`$x`), as spans of the source.
    pub decl: Vec<Span>,
    pub cmds: Few<Command>,
}

#[derive(Debug)]
pub struct Command {
    pub pos: usize,
    pub args: Few<Arg>,
}

/// A list that keeps a single element inline: most pipelines have one
/// command and most commands one operand, and a `Vec` for each was a heap
/// allocation per action.
#[derive(Debug)]
pub enum Few<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> Default for Few<T> {
    fn default() -> Self {
        Few::Many(Vec::new())
    }
}

impl<T> Few<T> {
    /// The elements of `stack` from `mark` on, moved out (a parser's
    /// scratch stack: one allocation at the final length, none for one).
    pub fn take(stack: &mut Vec<T>, mark: usize) -> Few<T> {
        if stack.len() == mark + 1 {
            if let Some(t) = stack.pop() {
                return Few::One(t);
            }
        }
        Few::Many(take_from(stack, mark))
    }
}

/// The elements of `stack` from `mark` on, moved into a vector of exactly
/// that length in one copy (`split_off` would hand over the whole buffer at mark 0).
pub fn take_from<T>(stack: &mut Vec<T>, mark: usize) -> Vec<T> {
    if mark > 0 {
        return stack.split_off(mark);
    }
    let mut list = Vec::with_capacity(stack.len());
    list.append(stack);
    list
}

impl<T> std::ops::Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Few::One(t) => std::slice::from_ref(t),
            Few::Many(v) => v,
        }
    }
}

/// A parsed number literal with every interpretation Go computes.
#[derive(Debug, Clone)]
pub struct Number {
    pub text: Span,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub int: i64,
    pub uint: u64,
    pub float: f64,
    /// Real and imaginary parts of a complex literal (`1+2i`, `3i`).
    pub complex: Option<(f64, f64)>,
}

/// An operand of a command.
#[derive(Debug)]
pub enum Arg {
    /// `.a.b`: `path` is the source text, leading dot included.
    Field {
        pos: usize,
        path: Span,
    },
    /// `(pipe).a.b`, `$x.a` is a [`Arg::Variable`]: `fields` is `.a.b`.
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Span,
    },
    Identifier {
        pos: usize,
        name: Span,
    },
    Pipe(Box<Pipe>),
    /// `$x.a.b`: `path` is the source text, the variable's name first.
    Variable {
        pos: usize,
        path: Span,
    },
    Bool {
        pos: usize,
        val: bool,
    },
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Number {
        pos: usize,
        num: Box<Number>,
    },
    String {
        pos: usize,
        quoted: Span,
        /// Kept as a ready value so evaluation does not allocate.
        text: crate::Value,
    },
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

/// A node with the source text its spans point into, printed like Go's
/// `Node.String()` (for error contexts).
pub struct Shown<'a, T: ?Sized>(pub &'a T, pub &'a str);

impl Display for Shown<'_, Arg> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let src = self.1;
        match self.0 {
            Arg::Field { path, .. } | Arg::Variable { path, .. } => f.write_str(path.of(src)),
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(_) = **node {
                    write!(f, "({})", Shown(&**node, src))?;
                } else {
                    write!(f, "{}", Shown(&**node, src))?;
                }
                f.write_str(fields.of(src))
            }
            Arg::Identifier { name, .. } => f.write_str(name.of(src)),
            Arg::Pipe(p) => write!(f, "{}", Shown(&**p, src)),
            Arg::Bool { val, .. } => write!(f, "{val}"),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Number { num, .. } => f.write_str(num.text.of(src)),
            Arg::String { quoted, .. } => f.write_str(quoted.of(src)),
        }
    }
}

impl Display for Shown<'_, Command> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.0.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(_) = a {
                write!(f, "({})", Shown(a, self.1))?;
            } else {
                write!(f, "{}", Shown(a, self.1))?;
            }
        }
        Ok(())
    }
}

impl Display for Shown<'_, Pipe> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.0;
        if !p.decl.is_empty() {
            for (i, d) in p.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(d.of(self.1))?;
            }
            f.write_str(if p.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in p.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{}", Shown(c, self.1))?;
        }
        Ok(())
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, list: &[Node], src: &str) -> fmt::Result {
    for n in list {
        write!(f, "{}", Shown(n, src))?;
    }
    Ok(())
}

impl Display for Shown<'_, Node> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let src = self.1;
        let (kw, b) = match self.0 {
            Node::Text(t) => return f.write_str(t.span.of(src)),
            Node::Action(a) => return write!(f, "{{{{{}}}}}", Shown(&a.pipe, src)),
            Node::Template(t) => {
                let q = crate::strconv::quote(&t.name);
                return match &t.pipe {
                    None => write!(f, "{{{{template {q}}}}}"),
                    Some(p) => write!(f, "{{{{template {q} {}}}}}", Shown(p, src)),
                };
            }
            Node::Break(_) => return f.write_str("{{break}}"),
            Node::Continue(_) => return f.write_str("{{continue}}"),
            Node::If(b) => ("if", b),
            Node::Range(b) => ("range", b),
            Node::With(b) => ("with", b),
        };
        write!(f, "{{{{{kw} {}}}}}", Shown(&b.pipe, src))?;
        write_list(f, &b.list, src)?;
        if let Some(e) = &b.else_list {
            f.write_str("{{else}}")?;
            write_list(f, e, src)?;
        }
        f.write_str("{{end}}")
    }
}
