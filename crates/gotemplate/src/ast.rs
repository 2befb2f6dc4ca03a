//! The parse tree, shaped like Go's `text/template/parse` nodes. Each node
//! keeps its byte position for error locations, and prints like Go's
//! `Node.String()` for error contexts.
//!
//! The nodes of one parse live in flat arrays ([`Code`]) and refer to their
//! children by index: Helm parses every template of a chart on every render, and a
//! tree of boxes and vectors was an allocation per list, literal and block to make,
//! and as many to free.

use std::fmt::{self, Display, Write};
use std::sync::Arc;

use crate::{FuncMap, Value};

/// One parsed template (a file, or a `define`d block).
#[derive(Debug)]
pub struct Tree {
    /// The template's name (`define` name or file name).
    pub name: String,
    /// The parse it came from, shared by the trees of one text.
    pub code: Arc<Code>,
    pub root: Ix,
}

impl Tree {
    /// Go's `ErrorContext` location: `NAME:LINE:COL`, LINE 1-based and COL
    /// the 0-based byte offset within the line.
    pub fn location(&self, pos: usize) -> String {
        let src = &self.code.text;
        let pos = pos.min(src.len());
        let text = &src.as_bytes()[..pos];
        let line = 1 + text.iter().filter(|c| **c == b'\n').count();
        let col = match text.iter().rposition(|c| *c == b'\n') {
            None => pos,
            Some(i) => pos - (i + 1),
        };
        format!("{}:{}:{}", self.code.parse_name, line, col)
    }

    /// Whether the body has nothing but whitespace text (Go's `IsEmptyTree`).
    pub fn is_empty(&self) -> bool {
        self.code.is_blank(self.root)
    }
}

/// A run of consecutive elements of one of [`Code`]'s arrays: a list of nodes,
/// a pipeline's commands, a command's operands, declared variables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ix {
    start: u32,
    len: u32,
}

impl Ix {
    /// The elements of `array` from `start` on (the text's 1 GiB limit keeps
    /// every count within 32 bits).
    fn of<T>(array: &[T], start: usize) -> Ix {
        Ix {
            start: start as u32,
            len: (array.len() - start) as u32,
        }
    }

    pub fn len(self) -> usize {
        self.len as usize
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// Everything one parse of a text produced: the text, and the nodes of all its
/// trees in flat arrays that nodes index. Dropping it is a few frees.
#[derive(Debug, Default)]
pub struct Code {
    /// The name of the text (for error locations).
    pub parse_name: Box<str>,
    /// The source text, which spans point into (shared with a host that keeps it).
    pub text: Arc<str>,
    nodes: Vec<Node>,
    cmds: Vec<Command>,
    args: Vec<Arg>,
    decls: Vec<Span>,
    pipes: Vec<Pipe>,
    numbers: Vec<Number>,
    /// String literals' values, ready so that evaluation does not allocate.
    strings: Vec<Value>,
    /// `template` and `block` names, unquoted.
    names: Vec<String>,
    /// The function table the parse found its identifiers in (kept, so that a set
    /// executing with this same table takes each function by its place, not by name).
    funcs: FuncMap,
}

impl Code {
    /// Arrays sized for `text` from the densest chart templates measured (a node per
    /// 29 bytes, a command per 39, an operand per 12): growing them as the parse went was
    /// a reallocation and a copy of each array several times per text. The guess is
    /// capped ([`RESERVE_MAX`]): a huge text mostly of plain text grows its arrays as
    /// needed instead of reserving several times its size.
    pub fn new(parse_name: &str, text: Arc<str>, funcs: FuncMap) -> Code {
        let n = text.len();
        let room = |bytes_per_element: usize| (n / bytes_per_element + 1).min(RESERVE_MAX);
        Code {
            parse_name: parse_name.into(),
            text,
            nodes: Vec::with_capacity(room(28)),
            cmds: Vec::with_capacity(room(36)),
            args: Vec::with_capacity(room(12)),
            decls: Vec::with_capacity(room(256)),
            pipes: Vec::with_capacity(room(128)),
            numbers: Vec::with_capacity(room(256)),
            strings: Vec::with_capacity(room(64)),
            names: Vec::new(),
            funcs,
        }
    }

    /// The function an identifier names, by its place, when `funcs` is the table the
    /// parse found it in; `None` otherwise (the caller looks it up by name).
    pub fn func<'c>(&'c self, funcs: &FuncMap, index: u32) -> Option<&'c Arc<crate::Func>> {
        if !self.funcs.same_table(funcs) {
            return None;
        }
        self.funcs.at(index)
    }

    pub fn nodes(&self, ix: Ix) -> &[Node] {
        &self.nodes[ix.range()]
    }

    pub fn cmds(&self, ix: Ix) -> &[Command] {
        &self.cmds[ix.range()]
    }

    pub fn args(&self, ix: Ix) -> &[Arg] {
        &self.args[ix.range()]
    }

    pub fn decls(&self, ix: Ix) -> &[Span] {
        &self.decls[ix.range()]
    }

    pub fn pipe(&self, i: u32) -> &Pipe {
        &self.pipes[i as usize]
    }

    /// The operand a chain starts from (`(pipe)` of `(pipe).a`).
    pub fn arg(&self, i: u32) -> &Arg {
        &self.args[i as usize]
    }

    pub fn number(&self, i: u32) -> &Number {
        &self.numbers[i as usize]
    }

    pub fn string(&self, i: u32) -> &Value {
        &self.strings[i as usize]
    }

    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// Moves the elements of a parser's scratch stack from `mark` on to the end
    /// of the node array, as one list.
    pub fn push_nodes(&mut self, stack: &mut Vec<Node>, mark: usize) -> Ix {
        move_list(&mut self.nodes, stack, mark)
    }

    /// [`Code::push_nodes`] for a pipeline's commands.
    pub fn push_cmds(&mut self, stack: &mut Vec<Command>, mark: usize) -> Ix {
        move_list(&mut self.cmds, stack, mark)
    }

    /// [`Code::push_nodes`] for a command's operands.
    pub fn push_args(&mut self, stack: &mut Vec<Arg>, mark: usize) -> Ix {
        move_list(&mut self.args, stack, mark)
    }

    /// A one-node list (`{{else if}}`'s nested `if`).
    pub fn push_node(&mut self, n: Node) -> Ix {
        let start = self.nodes.len();
        self.nodes.push(n);
        Ix::of(&self.nodes, start)
    }

    /// Where the next declared variable goes: declarations are collected
    /// one pipeline at a time, straight into the array.
    pub fn decl_mark(&self) -> usize {
        self.decls.len()
    }

    pub fn push_decl(&mut self, s: Span) {
        self.decls.push(s);
    }

    /// The declarations pushed since `mark`.
    pub fn decls_since(&self, mark: usize) -> Ix {
        Ix::of(&self.decls, mark)
    }

    pub fn push_pipe(&mut self, p: Pipe) -> u32 {
        push_at(&mut self.pipes, p)
    }

    pub fn push_arg(&mut self, a: Arg) -> u32 {
        push_at(&mut self.args, a)
    }

    pub fn push_number(&mut self, n: Number) -> u32 {
        push_at(&mut self.numbers, n)
    }

    pub fn push_string(&mut self, v: Value) -> u32 {
        push_at(&mut self.strings, v)
    }

    pub fn push_name(&mut self, s: String) -> u32 {
        push_at(&mut self.names, s)
    }

    /// Whether a list has nothing but whitespace text (Go's `IsEmptyTree`).
    pub fn is_blank(&self, list: Ix) -> bool {
        self.nodes(list).iter().all(|n| match n {
            Node::Text(t) => t.of(&self.text).trim().is_empty(),
            _ => false,
        })
    }
}

/// The most elements [`Code::new`] reserves per array before the parse (a template of
/// ~800 KB; chart templates are a few KB).
const RESERVE_MAX: usize = 1 << 16;

/// Moves `stack[mark..]` to the end of `array` as one list.
fn move_list<T: Copy>(array: &mut Vec<T>, stack: &mut Vec<T>, mark: usize) -> Ix {
    let start = array.len();
    array.extend_from_slice(&stack[mark..]);
    stack.truncate(mark);
    Ix::of(array, start)
}

/// Appends `x` to `array`, returning its index (32 bits: the text's 1 GiB limit bounds it).
fn push_at<T>(array: &mut Vec<T>, x: T) -> u32 {
    array.push(x);
    (array.len() - 1) as u32
}

/// A byte range of the tree's source text: names, paths and literals point
/// into the text instead of owning copies.
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

#[derive(Clone, Copy, Debug)]
pub enum Node {
    /// Literal text between actions.
    Text(Span),
    Action(Pipe),
    If(Branch),
    Range(Branch),
    With(Branch),
    Template(TemplateNode),
    Break(usize),
    Continue(usize),
}

impl Node {
    pub fn pos(&self) -> usize {
        match self {
            Node::Text(t) => t.start,
            Node::Action(p) => p.pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.pos,
            Node::Template(t) => t.pos,
            Node::Break(p) | Node::Continue(p) => *p,
        }
    }
}

/// `if`, `range` and `with`: the node is at its pipeline.
#[derive(Clone, Copy, Debug)]
pub struct Branch {
    pub pipe: Pipe,
    pub list: Ix,
    pub else_list: Option<Ix>,
}

#[derive(Clone, Copy, Debug)]
pub struct TemplateNode {
    pub pos: usize,
    /// Index of the name in [`Code::name`].
    pub name: u32,
    pub pipe: Option<Pipe>,
}

#[derive(Clone, Copy, Debug)]
pub struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    /// Declared variable names (`$x`), as spans of the source.
    pub decl: Ix,
    pub cmds: Ix,
}

#[derive(Clone, Copy, Debug)]
pub struct Command {
    pub pos: usize,
    pub args: Ix,
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

/// An operand of a command. Indices are into the arrays of the [`Code`] it is in.
#[derive(Clone, Copy, Debug)]
pub enum Arg {
    /// `.a.b`: `path` is the source text, leading dot included.
    Field {
        pos: usize,
        path: Span,
    },
    /// `(pipe).a.b` (`$x.a` is a [`Arg::Variable`]): `node` is the operand,
    /// [`Code::arg`], and `fields` is `.a.b`.
    Chain {
        pos: usize,
        node: u32,
        fields: Span,
    },
    /// A function: `func` is its place in [`Code::funcs`], the table it was found in.
    Identifier {
        pos: usize,
        name: Span,
        func: u32,
    },
    /// A parenthesized pipeline, [`Code::pipe`].
    Pipe {
        pos: usize,
        pipe: u32,
    },
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
    /// [`Code::number`].
    Number {
        pos: usize,
        num: u32,
    },
    /// [`Code::string`] is its value.
    String {
        pos: usize,
        quoted: Span,
        text: u32,
    },
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Pipe { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
        }
    }
}

/// A node with the parse it belongs to, printed like Go's `Node.String()`
/// (for error contexts).
pub struct Shown<'a, T: ?Sized>(pub &'a T, pub &'a Code);

impl Display for Shown<'_, Arg> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.1;
        let src = &*code.text;
        match self.0 {
            Arg::Field { path, .. } | Arg::Variable { path, .. } => f.write_str(path.of(src)),
            Arg::Chain { node, fields, .. } => {
                let node = code.arg(*node);
                if let Arg::Pipe { .. } = node {
                    write!(f, "({})", Shown(node, code))?;
                } else {
                    write!(f, "{}", Shown(node, code))?;
                }
                f.write_str(fields.of(src))
            }
            Arg::Identifier { name, .. } => f.write_str(name.of(src)),
            Arg::Pipe { pipe, .. } => write!(f, "{}", Shown(code.pipe(*pipe), code)),
            Arg::Bool { val, .. } => write!(f, "{val}"),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Number { num, .. } => f.write_str(code.number(*num).text.of(src)),
            Arg::String { quoted, .. } => f.write_str(quoted.of(src)),
        }
    }
}

impl Display for Shown<'_, Command> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.1.args(self.0.args).iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe { .. } = a {
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
        let (p, code) = (self.0, self.1);
        let decl = code.decls(p.decl);
        if !decl.is_empty() {
            for (i, d) in decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(d.of(&code.text))?;
            }
            f.write_str(if p.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in code.cmds(p.cmds).iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{}", Shown(c, code))?;
        }
        Ok(())
    }
}

impl Display for Shown<'_, [Node]> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in self.0 {
            write!(f, "{}", Shown(n, self.1))?;
        }
        Ok(())
    }
}

impl Display for Shown<'_, Node> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.1;
        let (kw, b) = match self.0 {
            Node::Text(t) => return f.write_str(t.of(&code.text)),
            Node::Action(p) => return write!(f, "{{{{{}}}}}", Shown(p, code)),
            Node::Template(t) => {
                let q = crate::strconv::quote(code.name(t.name));
                return match &t.pipe {
                    None => write!(f, "{{{{template {q}}}}}"),
                    Some(p) => write!(f, "{{{{template {q} {}}}}}", Shown(p, code)),
                };
            }
            Node::Break(_) => return f.write_str("{{break}}"),
            Node::Continue(_) => return f.write_str("{{continue}}"),
            Node::If(b) => ("if", b),
            Node::Range(b) => ("range", b),
            Node::With(b) => ("with", b),
        };
        write!(f, "{{{{{kw} {}}}}}", Shown(&b.pipe, code))?;
        write!(f, "{}", Shown(code.nodes(b.list), code))?;
        if let Some(e) = b.else_list {
            f.write_str("{{else}}")?;
            write!(f, "{}", Shown(code.nodes(e), code))?;
        }
        f.write_str("{{end}}")
    }
}
