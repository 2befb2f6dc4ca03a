//! The parser: Go's `text/template/parse/parse.go`, recursive descent with
//! Go's lookahead (two tokens here: spaces are a flag on the next token, not a token of
//! their own) so errors name the same tokens and lines.

use std::sync::Arc;

use crate::ast::*;
use crate::error::Error;
use crate::lex::{chain_parts, Item, ItemType as T, Lexer, MAX_TEXT};
use crate::strconv;
use crate::FuncMap;

/// Parse nesting (parentheses and control blocks) is bounded so that a
/// hostile template cannot overflow the Rust stack (Go grows its stacks;
/// we cannot, notably on wasm with ~1 MiB).
pub const MAX_PARSE_DEPTH: usize = 100;

struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    /// The text being parsed, which items' offsets point into.
    src: &'a str,
    /// What the parse produced so far: the arrays the trees' nodes are in.
    code: Code,
    token: [Item; 2],
    peek_count: usize,
    /// Variables in scope: `vars[var_base..]` (a `define` or `block` body
    /// starts a new scope with only `$`).
    vars: Vec<&'a str>,
    var_base: usize,
    /// Scratch stacks the lists under construction grow on, so each list is
    /// allocated once, at its final length, when it is complete (nested
    /// lists are complete before their parent goes on).
    nodes: Vec<Node>,
    cmds: Vec<Command>,
    args: Vec<Arg>,
    range_depth: usize,
    /// Where the action being parsed started, for "in action started at".
    action_pos: Option<usize>,
    depth: usize,
    stack_base: usize,
    /// Native stack the parser may use ([`crate::Limits::max_stack`]).
    max_stack: usize,
    /// The set's functions: an identifier must name one, and keeps its place in them.
    funcs: &'f FuncMap,
    /// Trees defined by this parse (`define`/`block`), names unique, with
    /// their bodies; a file defines few, so a vector searched by name serves.
    defined: Vec<(String, Ix)>,
}

type PResult<T> = Result<T, Error>;

/// The parser's scratch stacks, empty, with the capacity they grew to.
#[derive(Default)]
struct Scratch {
    nodes: Vec<Node>,
    cmds: Vec<Command>,
    args: Vec<Arg>,
}

/// Scratch capacity kept for the next parse, in elements: enough for any
/// chart's longest list, small enough not to matter when idle.
const KEEP_SCRATCH: usize = 256;

thread_local! {
    /// Kept between parses (Helm parses every template of a chart on every
    /// render): growing the stacks anew each time was a few large
    /// allocations per parse, and each made glibc consolidate its free
    /// lists, slowing every small allocation after it.
    static SCRATCH: std::cell::Cell<Option<Scratch>> = const { std::cell::Cell::new(None) };
}

/// Parse `text` as template `name`. Returns the trees it defines: `name`
/// itself (unless its body is empty) and every `define`/`block`.
pub fn parse(
    name: &str,
    shared: Arc<str>,
    funcs: &FuncMap,
    max_stack: usize,
) -> Result<Vec<Tree>, Error> {
    let keep = shared.clone();
    let text: &str = &keep;
    check_length(name, text.len())?;
    let scratch = SCRATCH.with(|s| s.take()).unwrap_or_default();
    let mut p = Parser {
        lex: Lexer::new(text),
        src: text,
        code: Code::new(name, shared, funcs.clone()),
        token: [Item::NONE; 2],
        peek_count: 0,
        vars: vec!["$"],
        var_base: 0,
        nodes: scratch.nodes,
        cmds: scratch.cmds,
        args: scratch.args,
        range_depth: 0,
        action_pos: None,
        depth: 0,
        stack_base: crate::limits::stack_addr(),
        max_stack,
        funcs,
        defined: Vec::new(),
    };
    let root = p.parse_top();
    let mut scratch = Scratch {
        nodes: std::mem::take(&mut p.nodes),
        cmds: std::mem::take(&mut p.cmds),
        args: std::mem::take(&mut p.args),
    };
    // After an error the stacks still hold the lists being built.
    scratch.nodes.clear();
    scratch.cmds.clear();
    scratch.args.clear();
    scratch.nodes.shrink_to(KEEP_SCRATCH);
    scratch.cmds.shrink_to(KEEP_SCRATCH);
    scratch.args.shrink_to(KEEP_SCRATCH);
    SCRATCH.with(|s| s.set(Some(scratch)));
    let root = root.map_err(|mut e| {
        e.template = name.to_string();
        e
    })?;
    let mut defined = std::mem::take(&mut p.defined);
    let code = Arc::new(std::mem::take(&mut p.code));
    let tree = |name: String, root: Ix| Tree {
        name,
        code: code.clone(),
        root,
    };
    let mut out: Vec<Tree> = Vec::with_capacity(defined.len() + 1);
    match defined.iter().position(|(n, _)| n == name) {
        Some(i) if code.is_blank(root) => {
            let (n, body) = defined.remove(i);
            out.push(tree(n, body));
        }
        Some(i) => {
            defined.remove(i);
            out.push(tree(name.to_string(), root));
        }
        None => out.push(tree(name.to_string(), root)),
    }
    out.extend(defined.into_iter().map(|(n, body)| tree(n, body)));
    Ok(out)
}

/// What an action parsed to: a node, or the `{{end}}`/`{{else}}` that
/// closes the enclosing list.
enum Ctl {
    Node(Node),
    Stop(Stop),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    End,
    Else,
}

impl Stop {
    fn describe(self) -> &'static str {
        match self {
            Stop::End => "{{end}}",
            Stop::Else => "{{else}}",
        }
    }
}

impl<'a, 'f> Parser<'a, 'f> {
    fn next(&mut self) -> Item {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count]
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn peek(&mut self) -> Item {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1];
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_item();
        self.token[0]
    }

    fn errorf<X>(&self, msg: String) -> PResult<X> {
        Err(Error::parse(
            format!(
                "{}:{}",
                self.code.parse_name,
                self.lex.line_at(self.token[0].pos())
            ),
            msg,
        ))
    }

    fn unexpected<X>(&self, token: &Item, context: &str) -> PResult<X> {
        if token.typ == T::Error {
            let mut extra = String::new();
            let action_line = self.action_pos.map(|p| self.lex.line_at(p));
            if action_line.is_some_and(|l| l != self.lex.line_at(token.pos())) {
                extra = format!(
                    " in action started at {}:{}",
                    self.code.parse_name,
                    action_line.unwrap_or(0)
                );
                if self.lex.error_message().ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{extra}", self.lex.error_message()));
        }
        let token = token.describe(self.src, self.lex.error_message());
        self.errorf(format!("unexpected {token} in {context}"))
    }

    fn expect(&mut self, typ: T, context: &str) -> PResult<Item> {
        let t = self.next();
        if t.typ != typ {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        let stack = crate::limits::stack_addr().abs_diff(self.stack_base);
        if self.depth > MAX_PARSE_DEPTH || stack > self.max_stack {
            return self.errorf("max expression depth exceeded".into());
        }
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<Ix> {
        let mark = self.nodes.len();
        while self.peek().typ != T::Eof {
            if self.peek().typ == T::LeftDelim {
                let delim = self.next();
                if self.next().typ == T::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Ctl::Node(n) => self.nodes.push(n),
                Ctl::Stop(c) => return self.errorf(format!("unexpected {}", c.describe())),
            }
        }
        Ok(self.code.push_nodes(&mut self.nodes, mark))
    }

    fn add_tree(&mut self, name: String, root: Ix) -> PResult<()> {
        match self.defined.iter().position(|(n, _)| *n == name) {
            Some(i) if !self.code.is_blank(self.defined[i].1) => {
                if !self.code.is_blank(root) {
                    return self.errorf(format!(
                        "template: multiple definition of template {}",
                        strconv::quote(&name)
                    ));
                }
            }
            Some(i) => self.defined[i] = (name, root),
            None => self.defined.push((name, root)),
        }
        Ok(())
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let t = self.next();
        if t.typ != T::String && t.typ != T::RawString {
            return self.unexpected(&t, context);
        }
        let Some(name) = strconv::unquote(t.val(self.src)) else {
            return self.errorf("invalid syntax".into());
        };
        self.expect(T::RightDelim, context)?;
        let scope = self.enter_scope();
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (root, end) = self.item_list()?;
        self.leave_scope(scope);
        self.range_depth = saved_range;
        if end != Stop::End {
            return self.errorf(format!("unexpected {} in {}", end.describe(), context));
        }
        self.add_tree(name, root)
    }

    /// A new variable scope holding only `$`; returns what restores the old.
    fn enter_scope(&mut self) -> (usize, usize) {
        let saved = (self.var_base, self.vars.len());
        self.var_base = self.vars.len();
        self.vars.push("$");
        saved
    }

    fn leave_scope(&mut self, (base, len): (usize, usize)) {
        self.var_base = base;
        self.vars.truncate(len);
    }

    fn item_list(&mut self) -> PResult<(Ix, Stop)> {
        let mark = self.nodes.len();
        while self.peek().typ != T::Eof {
            match self.text_or_action()? {
                Ctl::Node(n) => self.nodes.push(n),
                Ctl::Stop(c) => return Ok((self.code.push_nodes(&mut self.nodes, mark), c)),
            }
        }
        self.errorf("unexpected EOF".into())
    }

    fn text_or_action(&mut self) -> PResult<Ctl> {
        let t = self.next();
        match t.typ {
            T::Text => Ok(Ctl::Node(Node::Text(span(&t)))),
            T::LeftDelim => {
                self.action_pos = Some(t.pos());
                let r = self.action();
                self.action_pos = None;
                r
            }
            _ => self.unexpected(&t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Ctl> {
        // `{{end}}` and `{{else}}` straight from the text, when nothing is looked ahead.
        if self.peek_count == 0 {
            if let Some((keyword, right_delim)) = self.lex.closing_keyword() {
                self.token[0] = right_delim;
                return Ok(Ctl::Stop(if keyword == T::End {
                    Stop::End
                } else {
                    Stop::Else
                }));
            }
        }
        let t = self.next();
        match t.typ {
            T::Block => return self.block_control().map(Ctl::Node),
            T::Break => return self.break_control(t.pos(), true),
            T::Continue => return self.break_control(t.pos(), false),
            T::Else => return self.else_control(),
            T::End => {
                self.expect(T::RightDelim, "end")?;
                return Ok(Ctl::Stop(Stop::End));
            }
            T::If => return self.branch("if").map(Ctl::Node),
            T::Range => return self.branch("range").map(Ctl::Node),
            T::Template => return self.template_control().map(Ctl::Node),
            T::With => return self.branch("with").map(Ctl::Node),
            _ => {}
        }
        self.backup();
        let pipe = self.pipeline("command", T::RightDelim)?;
        Ok(Ctl::Node(Node::Action(pipe)))
    }

    fn break_control(&mut self, pos: usize, is_break: bool) -> PResult<Ctl> {
        let name = if is_break { "break" } else { "continue" };
        let t = self.next();
        if t.typ != T::RightDelim {
            return self.unexpected(&t, &format!("{{{{{name}}}}}"));
        }
        if self.range_depth == 0 {
            return self.errorf(format!("{{{{{name}}}}} outside {{{{range}}}}"));
        }
        Ok(Ctl::Node(if is_break {
            Node::Break(pos)
        } else {
            Node::Continue(pos)
        }))
    }

    fn else_control(&mut self) -> PResult<Ctl> {
        let peek = self.peek();
        if peek.typ == T::If || peek.typ == T::With {
            return Ok(Ctl::Stop(Stop::Else));
        }
        self.expect(T::RightDelim, "else")?;
        Ok(Ctl::Stop(Stop::Else))
    }

    fn branch(&mut self, context: &str) -> PResult<Node> {
        self.enter()?;
        let mark = self.vars.len();
        let r = self.parse_control(context);
        self.vars.truncate(mark);
        self.depth -= 1;
        let b = r?;
        Ok(match context {
            "if" => Node::If(b),
            "range" => Node::Range(b),
            _ => Node::With(b),
        })
    }

    fn parse_control(&mut self, context: &str) -> PResult<Branch> {
        let pipe = self.pipeline(context, T::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        match next {
            Stop::End => {}
            Stop::Else => {
                let pk = self.peek().typ;
                if (context == "if" && pk == T::If) || (context == "with" && pk == T::With) {
                    // `{{else if x}}` is `{{else}}{{if x}}...{{end}}{{end}}`.
                    self.next();
                    let nested = self.branch(context)?;
                    else_list = Some(self.code.push_node(nested));
                } else {
                    let (l, next) = self.item_list()?;
                    if next != Stop::End {
                        return self.errorf(format!("expected end; found {}", next.describe()));
                    }
                    else_list = Some(l);
                }
            }
        }
        Ok(Branch {
            pipe,
            list,
            else_list,
        })
    }

    fn parse_template_name(&mut self, t: &Item, context: &str) -> PResult<String> {
        match t.typ {
            T::String | T::RawString => match strconv::unquote(t.val(self.src)) {
                Some(s) => Ok(s),
                None => self.errorf("invalid syntax".into()),
            },
            _ => self.unexpected(t, context),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let t = self.next();
        let name = self.parse_template_name(&t, context)?;
        let mut pipe = None;
        if self.next().typ != T::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, T::RightDelim)?);
        }
        Ok(Node::Template(TemplateNode {
            pos: t.pos(),
            name: self.code.push_name(name),
            pipe,
        }))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let t = self.next();
        let name = self.parse_template_name(&t, context)?;
        let pipe = self.pipeline(context, T::RightDelim)?;
        self.enter()?;
        let scope = self.enter_scope();
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let r = self.item_list();
        self.leave_scope(scope);
        self.range_depth = saved_range;
        self.depth -= 1;
        let (root, end) = r?;
        if end != Stop::End {
            return self.errorf(format!("unexpected {} in {}", end.describe(), context));
        }
        self.add_tree(name.clone(), root)?;
        Ok(Node::Template(TemplateNode {
            pos: t.pos(),
            name: self.code.push_name(name),
            pipe: Some(pipe),
        }))
    }

    fn pipeline(&mut self, context: &str, end: T) -> PResult<Pipe> {
        let pos = self.peek().pos();
        let mut is_assign = false;
        let decl_mark = self.code.decl_mark();
        let mark = self.cmds.len();
        loop {
            let v = self.peek();
            // Fields chained onto a variable come before any `:=` Go's loop looks for.
            if v.typ != T::Variable || chain_parts(v.typ, v.val(self.src)).1.is_some() {
                break;
            }
            self.next();
            let next = self.peek();
            if next.typ == T::Assign || next.typ == T::Declare {
                is_assign = next.typ == T::Assign;
                self.next();
                self.code.push_decl(span(&v));
                self.vars.push(v.val(self.src));
                break;
            } else if next.typ == T::Char && next.val(self.src) == "," {
                self.next();
                self.code.push_decl(span(&v));
                self.vars.push(v.val(self.src));
                if context == "range" && self.code.decl_mark() - decl_mark < 2 {
                    match self.peek().typ {
                        T::Variable | T::RightDelim | T::RightParen => continue,
                        _ => return self.errorf("range can only initialize variables".into()),
                    }
                }
                return self.errorf(format!("too many declarations in {context}"));
            } else {
                self.backup2(v);
                break;
            }
        }
        // Taken now: a nested pipeline's declarations go after these.
        let decl = self.code.decls_since(decl_mark);
        loop {
            let t = self.next();
            match t.typ {
                x if x == end => {
                    let pipe = Pipe {
                        pos,
                        is_assign,
                        decl,
                        cmds: self.code.push_cmds(&mut self.cmds, mark),
                    };
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                T::Bool
                | T::CharConstant
                | T::Complex
                | T::Dot
                | T::Field
                | T::Identifier
                | T::Number
                | T::Nil
                | T::RawString
                | T::String
                | T::Variable
                | T::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    self.cmds.push(c);
                }
                _ => return self.unexpected(&t, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        for (i, c) in self.code.cmds(pipe.cmds).iter().enumerate().skip(1) {
            if matches!(
                self.code.args(c.args)[0],
                Arg::Bool { .. }
                    | Arg::Dot { .. }
                    | Arg::Nil { .. }
                    | Arg::Number { .. }
                    | Arg::String { .. }
            ) {
                return self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek().pos();
        let mark = self.args.len();
        // Go reads a space item after each operand and looks for the next operand after it;
        // a space flag on the token that follows is read once, then the token is looked at
        // again as an operand.
        let mut after_space = false;
        loop {
            if let Some(op) = self.operand()? {
                self.args.push(op);
                after_space = false;
            }
            let t = self.next();
            match t.typ {
                T::RightDelim | T::RightParen => self.backup(),
                T::Pipe => {}
                _ if t.space() && !after_space => {
                    self.backup();
                    after_space = true;
                    continue;
                }
                _ => return self.unexpected(&t, "operand"),
            }
            break;
        }
        if self.args.len() == mark {
            return self.errorf("empty command".into());
        }
        Ok(Command {
            pos,
            args: self.code.push_args(&mut self.args, mark),
        })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        // A field right after a term (no space between) continues it: `$x.a`, `(f).a`.
        let chained = |t: Item| t.typ == T::Field && !t.space();
        if !chained(self.peek()) {
            return Ok(Some(node));
        }
        let pos = self.peek().pos();
        let mut end = pos;
        while chained(self.peek()) {
            let f = self.next();
            end = f.end();
        }
        // The fields follow the term with nothing between them, so the whole
        // chain is one stretch of the source.
        let fields = Span { start: pos, end };
        Ok(Some(match node {
            Arg::Field { path, .. } => Arg::Field {
                pos,
                path: Span {
                    start: path.start,
                    end,
                },
            },
            Arg::Variable { path, .. } => Arg::Variable {
                pos,
                path: Span {
                    start: path.start,
                    end,
                },
            },
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number { .. }
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return self.errorf(format!(
                    "unexpected . after term {}",
                    strconv::quote(&Shown(&node, &self.code).to_string())
                ));
            }
            other => Arg::Chain {
                pos,
                node: self.code.push_arg(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next();
        let pos = t.pos();
        let span = span(&t);
        let val = t.val(self.src);
        Ok(Some(match t.typ {
            T::Identifier => {
                let Some(func) = self.funcs.index_of(val) else {
                    return self.errorf(format!("function {} not defined", strconv::quote(val)));
                };
                Arg::Identifier {
                    pos,
                    name: span,
                    func,
                }
            }
            T::Dot => Arg::Dot { pos },
            T::Nil => Arg::Nil { pos },
            T::Variable => {
                let (name, chain) = chain_parts(t.typ, val);
                if !self.vars[self.var_base..].contains(&name) {
                    return self.errorf(format!("undefined variable {}", strconv::quote(name)));
                }
                Arg::Variable {
                    pos: chain.map_or(pos, |c| pos + c),
                    path: span,
                }
            }
            // Go's node for chained fields is at the first chained one.
            T::Field => Arg::Field {
                pos: chain_parts(t.typ, val).1.map_or(pos, |c| pos + c),
                path: span,
            },
            T::Bool => Arg::Bool {
                pos,
                val: val == "true",
            },
            T::CharConstant | T::Complex | T::Number => match new_number(val, span, t.typ) {
                Ok(num) => Arg::Number {
                    pos,
                    num: self.code.push_number(num),
                },
                Err(e) => return self.errorf(e),
            },
            T::LeftParen => {
                self.enter()?;
                let p = self.pipeline("parenthesized pipeline", T::RightParen);
                self.depth -= 1;
                let p = p?;
                Arg::Pipe {
                    pos: p.pos,
                    pipe: self.code.push_pipe(p),
                }
            }
            T::String if !t.escaped() => {
                // A quoted string without escapes is its body.
                let text = crate::GoStr::from(&val[1..val.len() - 1]);
                Arg::String {
                    pos,
                    quoted: span,
                    text: self.code.push_string(crate::Value::String(text)),
                }
            }
            T::String | T::RawString => match string_literal(val) {
                Some(text) => Arg::String {
                    pos,
                    quoted: span,
                    text: self.code.push_string(crate::Value::String(text)),
                },
                None => return self.errorf("invalid syntax".into()),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// The source span of an item.
fn span(t: &Item) -> Span {
    Span {
        start: t.pos(),
        end: t.end(),
    }
}

/// Refuses a text longer than the lexer's items can measure.
fn check_length(name: &str, len: usize) -> Result<(), Error> {
    if len <= MAX_TEXT {
        return Ok(());
    }
    let mut e = Error::parse(
        name.to_string(),
        format!("text of {len} bytes is over the limit of {MAX_TEXT} bytes"),
    );
    e.template = name.to_string();
    Err(e)
}

/// The value of a raw string literal, or of a quoted one with escapes (the parser takes
/// the body of one without as it is).
fn string_literal(lit: &str) -> Option<crate::GoStr> {
    let b = lit.as_bytes();
    // A raw string is its body, unless it holds carriage returns (Go drops them).
    if b.len() >= 2 && b[0] == b'`' && !b.contains(&b'\r') {
        return Some(crate::GoStr::from(&lit[1..lit.len() - 1]));
    }
    strconv::unquote_bytes(lit).map(crate::GoStr::from_bytes)
}

/// Split `1+2i` / `1.5e3-2i` into its parts.
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    let b = body.as_bytes();
    let k = (1..b.len())
        .rev()
        .find(|&i| matches!(b[i], b'+' | b'-') && !matches!(b[i - 1], b'e' | b'E' | b'p' | b'P'))?;
    Some((
        strconv::parse_float(&body[..k])?,
        strconv::parse_float(&body[k..])?,
    ))
}

/// Go's `simplifyComplex`: a complex literal with no imaginary part also
/// reads as a float (and an int when whole).
fn simplify_complex(n: &mut Number, c: (f64, f64)) {
    n.complex = Some(c);
    if c.1 == 0.0 {
        n.is_float = true;
        n.float = c.0;
        if c.0.fract() == 0.0 && (-9.223372036854776e18..9.223372036854776e18).contains(&c.0) {
            n.is_int = true;
            n.int = c.0 as i64;
        }
        if c.0.fract() == 0.0 && (0.0..1.8446744073709552e19).contains(&c.0) {
            n.is_uint = true;
            n.uint = c.0 as u64;
        }
    }
}

/// The value of an unsigned decimal literal without leading zero or
/// underscore that fits in a `u64` (`4`, `63`: nearly every number in a
/// chart), without the general path's several parses.
fn plain_decimal(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.is_empty() || b.len() > 19 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
    }
    Some(v)
}

/// Go's `newNumber`: compute every interpretation of a number literal.
fn new_number(text: &str, span: Span, typ: T) -> Result<Number, String> {
    let mut n = Number {
        text: span,
        is_int: false,
        is_uint: false,
        is_float: false,
        int: 0,
        uint: 0,
        float: 0.0,
        complex: None,
    };
    if typ == T::CharConstant {
        let r = strconv::unquote_char_literal(text)?;
        n.int = r as i64;
        n.uint = r as u64;
        n.float = r as f64;
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        return Ok(n);
    }
    if typ == T::Complex {
        let c = parse_complex(text)
            .ok_or_else(|| format!("illegal number syntax: {}", strconv::quote(text)))?;
        simplify_complex(&mut n, c);
        return Ok(n);
    }
    if let Some(v) = plain_decimal(text) {
        // What the general path below computes for a decimal integer.
        n.is_uint = true;
        n.uint = v;
        n.is_float = true;
        if let Ok(i) = i64::try_from(v) {
            n.is_int = true;
            n.int = i;
            n.float = i as f64;
        } else {
            n.float = v as f64;
        }
        return Ok(n);
    }
    // Imaginary constants can only be complex unless they are zero.
    if let Some(im) = text.strip_suffix('i').and_then(strconv::parse_float) {
        simplify_complex(&mut n, (0.0, im));
        return Ok(n);
    }
    let u = strconv::parse_int(text, true);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint = u as u64;
    }
    if let Some(i) = strconv::parse_int(text, false) {
        if (i64::MIN as i128..=i64::MAX as i128).contains(&i) {
            n.is_int = true;
            n.int = i as i64;
            if i == 0 {
                n.is_uint = true;
                n.uint = 0;
            }
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = strconv::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", strconv::quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if f.fract() == 0.0 && (-9.223372036854776e18..9.223372036854776e18).contains(&f) {
            n.is_int = true;
            n.int = f as i64;
        }
        if f.fract() == 0.0 && (0.0..1.8446744073709552e19).contains(&f) {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", strconv::quote(text)));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Number {
        new_number(
            text,
            Span {
                start: 0,
                end: text.len(),
            },
            T::Number,
        )
        .unwrap()
    }

    /// Go's builtins and a function `f`.
    fn funcs() -> FuncMap {
        let mut m = crate::funcs::builtins::builtins();
        m.insert(crate::Func::simple("f", |_| Ok(crate::Value::Nil)));
        m
    }

    /// The scratch stacks outlive a parse; one that failed half-way, lists
    /// still on them, must not disturb the next.
    #[test]
    fn a_failed_parse_leaves_nothing_for_the_next() {
        let funcs = funcs();
        let bad = r#"{{if .a}}x{{range .l}}y{{.b | printf "%s" (.c"#;
        assert!(parse("bad", bad.into(), &funcs, 1 << 20).is_err());
        let trees = parse("good", "a{{.x | printf \"%s\" 1}}b".into(), &funcs, 1 << 20).unwrap();
        let t = &trees[0];
        let shown = Shown(t.code.nodes(t.root), &t.code).to_string();
        assert_eq!(shown, "a{{.x | printf \"%s\" 1}}b");
        assert_eq!(t.root.len(), 3);
    }

    /// A quoted string is its body unless the lexer saw escapes; raw strings drop
    /// carriage returns.
    #[test]
    fn string_literals_read_with_and_without_escapes() {
        let funcs = funcs();
        let text = "{{f \"plain é\" \"a\\\"b\\n\" `raw\r\nx` `r`}}";
        let trees = parse("t", text.into(), &funcs, 1 << 20).unwrap();
        let code = &trees[0].code;
        let Node::Action(pipe) = code.nodes(trees[0].root)[0] else {
            panic!("not an action")
        };
        let args = code.args(code.cmds(pipe.cmds)[0].args);
        let values: Vec<String> = args[1..]
            .iter()
            .map(|a| match a {
                Arg::String { text, .. } => code.string(*text).to_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(values, ["plain é", "a\"b\n", "raw\nx", "r"]);
    }

    /// `{{end}}` and `{{else}}` taken straight from the text give what the items would:
    /// the same lists, trims and error lines, and anything more than the bare keyword goes
    /// the general way. Expected messages from the Helm 4.2.3 library (Go's parser).
    #[test]
    fn bare_end_and_else_parse_as_their_items_do() {
        let funcs = funcs();
        let shown = |text: &str| -> Result<String, String> {
            let trees = parse("t", text.into(), &funcs, 1 << 20).map_err(|e| e.to_string())?;
            Ok(Shown(trees[0].code.nodes(trees[0].root), &trees[0].code).to_string())
        };
        let cases = [
            (
                "a{{if 1}}b{{ else }}c{{end}}d",
                Ok("a{{if 1}}b{{else}}c{{end}}d"),
            ),
            ("{{ if 1 }} a {{- end -}}   b", Ok("{{if 1}} a{{end}}b")),
            (
                "{{ if 0 }}a{{ else -}}   b {{- end }}|",
                Ok("{{if 0}}a{{else}}b{{end}}|"),
            ),
            // The error names the line of the closing delimiter, the last item Go read.
            ("x\n{{ end\n}}", Err("template: t:3: unexpected {{end}}")),
            (
                "{{if 1}}{{end-}}",
                Err("template: t:1: bad character U+002D '-'"),
            ),
            (
                "{{ if 1 }}{{ elsewhere }}{{ end }}",
                Err("template: t:1: function \"elsewhere\" not defined"),
            ),
        ];
        for (text, want) in cases {
            let want = want.map(String::from).map_err(String::from);
            assert_eq!(shown(text), want, "{text:?}");
        }
    }

    /// Item lengths have 30 bits: a longer text is refused up front, never lexed wrong.
    #[test]
    fn a_text_over_1_gib_is_refused() {
        assert!(check_length("t", MAX_TEXT).is_ok());
        let e = check_length("t", MAX_TEXT + 1).unwrap_err().to_string();
        assert_eq!(
            e,
            "template: t: text of 1073741824 bytes is over the limit of 1073741823 bytes"
        );
    }

    /// Decimal literals take a short path; its results must be the general
    /// path's, at the edges of `int` and `uint` too.
    #[test]
    fn plain_decimals_read_as_the_general_path_does() {
        for (text, int, uint, float) in [
            ("0", Some(0), Some(0), 0.0),
            ("63", Some(63), Some(63), 63.0),
            (
                "9223372036854775807",
                Some(i64::MAX),
                Some(i64::MAX as u64),
                i64::MAX as f64,
            ),
            (
                "9223372036854775808",
                None,
                Some(1 << 63),
                9223372036854775808.0,
            ),
            (
                "18446744073709551615",
                None,
                Some(u64::MAX),
                u64::MAX as f64,
            ),
        ] {
            let n = num(text);
            assert_eq!(
                (n.is_int, n.int),
                (int.is_some(), int.unwrap_or(0)),
                "{text}"
            );
            assert_eq!(
                (n.is_uint, n.uint),
                (uint.is_some(), uint.unwrap_or(0)),
                "{text}"
            );
            assert!(
                n.is_float && n.float == float && n.complex.is_none(),
                "{text}"
            );
        }
        assert!(plain_decimal("07").is_none() && plain_decimal("1_0").is_none());
        assert_eq!(num("017").int, 15);
        assert_eq!(num("1_000").int, 1000);
        assert!(new_number(
            "18446744073709551616",
            Span { start: 0, end: 20 },
            T::Number
        )
        .is_err());
    }
}
