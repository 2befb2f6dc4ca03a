//! The executor: Go's `text/template/exec.go` walk over the parse tree.
//!
//! Go tracks the node being evaluated (`state.at`) and reports errors
//! against it; this executor mirrors where Go moves that marker so error
//! locations and contexts match.

use crate::ast::*;
use crate::error::{Error, ErrorData, ErrorKind, FuncError};
use crate::funcs::builtins::{self, Builtin};
use crate::funcs::{ArgType, Func, Imp};
use crate::limits::Budget;
use crate::value::{ElemType, GoStr, Value};
use crate::{MissingKey, Templates};

/// A value as Go's reflection sees it during execution: `iface` tells
/// whether its static type is `interface {}` (an element of a JSON-like
/// container). `Nil` without `iface` is Go's invalid (zero) `reflect.Value`.
#[derive(Clone, Debug)]
pub(crate) struct Rv {
    pub v: Value,
    pub iface: bool,
}

impl Rv {
    pub fn concrete(v: Value) -> Rv {
        Rv { v, iface: false }
    }
    pub fn invalid() -> Rv {
        Rv::concrete(Value::Nil)
    }
    /// An element read out of a container with element type `elem`.
    pub fn elem(v: Value, elem: ElemType) -> Rv {
        Rv {
            v,
            iface: elem == ElemType::Any,
        }
    }
    fn is_invalid(&self) -> bool {
        self.v.is_nil() && !self.iface
    }
    /// Go's `reflect.Value.Type()` spelling.
    fn type_name(&self) -> String {
        if self.iface {
            "interface {}".into()
        } else {
            self.v.type_name()
        }
    }
    /// Go's "dig down one level" for interface values after each command.
    fn dig(self) -> Rv {
        Rv::concrete(self.v)
    }
}

/// Where execution is, for error messages.
#[derive(Clone, Copy)]
enum At<'a> {
    None,
    Node(&'a Node),
    Pipe(&'a Pipe),
    Cmd(&'a Command),
    Arg(&'a Arg),
}

/// Non-local exits: errors and `break`/`continue`.
enum Flow {
    Err(Error),
    Break,
    Continue,
}

impl From<Error> for Flow {
    fn from(e: Error) -> Flow {
        Flow::Err(e)
    }
}

type R<T> = Result<T, Flow>;

/// What a host function sees of the running execution; lets Helm's
/// `include` and `tpl` run templates of the same set.
pub struct Context<'c> {
    set: &'c Templates,
    budget: &'c mut Budget,
    depth: usize,
}

impl Context<'_> {
    /// Execute the named template of the running set with `data` as dot
    /// (Helm's `include`). Counts toward the depth and step limits.
    pub fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        let tree = self.set.named_tree(name)?;
        execute_tree(self.set, tree, data, self.budget, self.depth + 1).map(lossy)
    }

    /// [`Context::execute_template`] as a string value, built from an output
    /// buffer the execution keeps for the next call (Helm's `include` runs
    /// hundreds of times per chart, each output grew a new buffer).
    pub fn include(&mut self, name: &str, data: &Value) -> Result<GoStr, Error> {
        let tree = self.set.named_tree(name)?;
        let buf = self.budget.out_pool.pop().unwrap_or_default();
        let mut out = execute_tree_into(self.set, tree, data, self.budget, self.depth + 1, buf)?;
        let s = match std::str::from_utf8(&out) {
            Ok(s) => GoStr::from(s),
            Err(_) => GoStr::from(String::from_utf8_lossy(&out).into_owned()),
        };
        out.clear();
        self.budget.out_pool.push(out);
        Ok(s)
    }

    /// Parse `text` as a template named `name` in a copy of the running set
    /// (so it sees every `define`) and execute it (Helm's `tpl`).
    pub fn execute_text(&mut self, name: &str, text: &str, data: &Value) -> Result<String, Error> {
        let mut set = self.set.clone();
        set.parse(name, text)?;
        let tree = set.trees.get(name).cloned();
        match tree {
            Some(tree) => execute_tree(&set, &tree, data, self.budget, self.depth + 1).map(lossy),
            None => Ok(String::new()),
        }
    }

    /// The template set being executed.
    pub fn templates(&self) -> &Templates {
        self.set
    }

    /// How many `template` calls and nested executions enclose this call
    /// (0 at the top), for hosts that bound their own recursion.
    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// Output bytes as text (invalid UTF-8 replaced by U+FFFD).
pub(crate) fn lossy(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub(crate) fn execute_tree(
    set: &Templates,
    tree: &Tree,
    data: &Value,
    budget: &mut Budget,
    depth: usize,
) -> Result<Vec<u8>, Error> {
    execute_tree_into(set, tree, data, budget, depth, Vec::new())
}

/// [`execute_tree`] writing into `out` (empty, maybe with capacity).
fn execute_tree_into(
    set: &Templates,
    tree: &Tree,
    data: &Value,
    budget: &mut Budget,
    depth: usize,
    out: Vec<u8>,
) -> Result<Vec<u8>, Error> {
    let mut s = State {
        set,
        tmpl: tree,
        at_tree: tree,
        at: At::None,
        vars: vec![Var::new("$", Rv::concrete(data.clone()))],
        depth,
        budget,
        out,
    };
    if depth > s.budget.limits.max_depth {
        return Err(s.limit_err(format!(
            "exceeded maximum template depth ({})",
            s.budget.limits.max_depth
        )));
    }
    let dot = Rv::concrete(data.clone());
    match s.walk_list(&dot, tree.code.nodes(tree.root)) {
        Ok(()) => Ok(s.out),
        Err(Flow::Err(e)) => Err(e),
        // The parser rejects break/continue outside range.
        Err(_) => Ok(s.out),
    }
}

/// A variable in scope. `key` packs the name's length and first bytes, so looking a name
/// up among many variables compares integers, not strings, until one is likely.
struct Var<'a> {
    name: &'a str,
    key: u64,
    val: Rv,
}

impl<'a> Var<'a> {
    fn new(name: &'a str, val: Rv) -> Var<'a> {
        Var {
            name,
            key: var_key(name),
            val,
        }
    }
}

/// The name's length (low byte) and its bytes after the `$` (up to seven).
fn var_key(name: &str) -> u64 {
    let b = name.as_bytes();
    let mut k = (b.len() as u64) & 0xff;
    for (i, c) in b.iter().skip(1).take(7).enumerate() {
        k |= (*c as u64) << (8 * (i + 1));
    }
    k
}

struct State<'a, 'b> {
    set: &'a Templates,
    /// The template being executed (named in errors).
    tmpl: &'a Tree,
    /// The tree of the node at `at` (gives the error location).
    at_tree: &'a Tree,
    at: At<'a>,
    vars: Vec<Var<'a>>,
    depth: usize,
    budget: &'b mut Budget,
    /// Output bytes (Go writes strings' bytes as they are).
    out: Vec<u8>,
}

impl<'a> State<'a, '_> {
    fn at(&mut self, at: At<'a>) {
        self.at = at;
        self.at_tree = self.tmpl;
    }

    fn make_err(&self, kind: ErrorKind, msg: String) -> Error {
        let (pos, ctx) = match self.at {
            At::None => {
                return Error::new(ErrorData {
                    kind,
                    template: self.tmpl.name.clone(),
                    location: None,
                    context: None,
                    message: msg,
                    cause: None,
                });
            }
            At::Node(n) => (n.pos(), self.show(n)),
            At::Pipe(p) => (p.pos, self.show(p)),
            At::Cmd(c) => (c.pos, self.show(c)),
            At::Arg(a) => (a.pos(), self.show(a)),
        };
        Error::new(ErrorData {
            kind,
            template: self.tmpl.name.clone(),
            location: Some(self.at_tree.location(pos)),
            context: Some(ctx),
            message: msg,
            cause: None,
        })
    }

    /// The parse the running template's nodes are in.
    fn code(&self) -> &'a Code {
        let t: &'a Tree = self.tmpl;
        &t.code
    }

    /// The source text of the running template, which the nodes' spans index.
    fn src(&self) -> &'a str {
        &self.code().text
    }

    /// A node as Go prints it in errors.
    fn show<T: ?Sized>(&self, n: &T) -> String
    where
        for<'x> Shown<'x, T>: std::fmt::Display,
    {
        Shown(n, self.code()).to_string()
    }

    fn err(&self, msg: String) -> Flow {
        Flow::Err(self.make_err(ErrorKind::Exec, msg))
    }

    fn errorf<T>(&self, msg: String) -> R<T> {
        Err(self.err(msg))
    }

    fn limit_err(&self, msg: String) -> Error {
        self.make_err(ErrorKind::Limit, msg)
    }

    fn step(&mut self) -> R<()> {
        self.budget.steps += 1;
        if self.budget.steps > self.budget.limits.max_steps {
            return Err(Flow::Err(self.limit_err(format!(
                "exceeded maximum number of evaluation steps ({})",
                self.budget.limits.max_steps
            ))));
        }
        Ok(())
    }

    fn write(&mut self, s: &[u8]) -> R<()> {
        if self.out.len() + s.len() > self.budget.limits.max_output {
            return Err(Flow::Err(self.limit_err(format!(
                "exceeded maximum output size ({} bytes)",
                self.budget.limits.max_output
            ))));
        }
        self.out.extend_from_slice(s);
        Ok(())
    }

    // ---- variables ----

    fn set_var(&mut self, name: &str, v: Rv) -> R<()> {
        let key = var_key(name);
        for var in self.vars.iter_mut().rev() {
            if var.key == key && var.name == name {
                var.val = v;
                return Ok(());
            }
        }
        self.errorf(format!("undefined variable: {name}"))
    }

    fn var_value(&self, name: &str) -> R<Rv> {
        let key = var_key(name);
        for var in self.vars.iter().rev() {
            if var.key == key && var.name == name {
                return Ok(var.val.clone());
            }
        }
        self.errorf(format!("undefined variable: {name}"))
    }

    // ---- walking ----

    fn walk_list(&mut self, dot: &Rv, list: &'a [Node]) -> R<()> {
        for n in list {
            self.walk(dot, n)?;
        }
        Ok(())
    }

    /// Error out before the native stack runs out.
    fn check_stack(&self) -> R<()> {
        if self.budget.stack_exhausted() {
            return Err(Flow::Err(self.limit_err(format!(
                "exceeded maximum template depth (stack limit of {} bytes)",
                self.budget.limits.max_stack
            ))));
        }
        Ok(())
    }

    /// Count one level of recursion (template calls, nested blocks and
    /// pipelines), bounded by `max_nesting` and the native stack.
    fn enter(&mut self) -> R<()> {
        if self.budget.nesting >= self.budget.limits.max_nesting {
            return Err(Flow::Err(self.limit_err(format!(
                "exceeded maximum template depth (nesting limit of {})",
                self.budget.limits.max_nesting
            ))));
        }
        self.check_stack()?;
        self.budget.nesting += 1;
        Ok(())
    }

    fn walk(&mut self, dot: &Rv, node: &'a Node) -> R<()> {
        self.at(At::Node(node));
        self.enter()?;
        let r = self.walk_node(dot, node);
        self.budget.nesting -= 1;
        r
    }

    fn walk_node(&mut self, dot: &Rv, node: &'a Node) -> R<()> {
        self.step()?;
        match node {
            Node::Action(pipe) => {
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print_value(node, &val)?;
                }
                Ok(())
            }
            Node::Text(t) => self.write(t.of(self.src()).as_bytes()),
            Node::If(b) => self.walk_if_or_with(false, dot, b),
            Node::With(b) => self.walk_if_or_with(true, dot, b),
            Node::Range(b) => self.walk_range(dot, node, b),
            Node::Template(t) => self.walk_template(dot, node, t),
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
        }
    }

    fn print_value(&mut self, node: &'a Node, v: &Rv) -> R<()> {
        self.at(At::Node(node));
        // Numbers Go prints as plain digits need no formatter.
        if let Some(i) = plain_number(&v.v) {
            let mut buf = [0u8; 24];
            let n = decimal(i, &mut buf);
            return self.write(&buf[buf.len() - n..]);
        }
        let s = match &v.v {
            Value::Nil if !v.iface => "<no value>".to_string(),
            // Fast path for the most printed value.
            Value::String(s) => return self.write(s.as_bytes()),
            Value::Bool(b) => return self.write(if *b { b"true" } else { b"false" }),
            Value::Func(_) => {
                return self.errorf(format!(
                    "can't print {} of type {}",
                    self.show(node),
                    v.v.type_name()
                ));
            }
            other => crate::fmt::sprint(std::slice::from_ref(other)),
        };
        self.write(s.as_bytes())
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Rv, b: &'a Branch) -> R<()> {
        let mark = self.vars.len();
        let r = (|| {
            let val = self.eval_pipeline(dot, &b.pipe)?;
            let code = self.code();
            if val.v.truth() {
                if with {
                    self.walk_list(&val, code.nodes(b.list))
                } else {
                    self.walk_list(dot, code.nodes(b.list))
                }
            } else if let Some(e) = b.else_list {
                self.walk_list(dot, code.nodes(e))
            } else {
                Ok(())
            }
        })();
        self.vars.truncate(mark);
        r
    }

    fn walk_range(&mut self, dot: &Rv, node: &'a Node, r: &'a Branch) -> R<()> {
        self.at(At::Node(node));
        let outer = self.vars.len();
        let res = self.walk_range_inner(dot, r);
        self.vars.truncate(outer);
        match res {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn one_iteration(&mut self, r: &'a Branch, mark: usize, index: Rv, elem: Rv) -> R<()> {
        self.step()?;
        let decl = self.code().decls(r.pipe.decl);
        let src = self.src();
        if !decl.is_empty() {
            if r.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(decl[0].of(src), index.clone())?;
                } else {
                    self.set_var(decl[0].of(src), elem.clone())?;
                }
            } else {
                let n = self.vars.len();
                self.vars[n - 1].val = elem.clone();
            }
        }
        if decl.len() > 1 {
            if r.pipe.is_assign {
                self.set_var(decl[1].of(src), elem.clone())?;
            } else {
                let n = self.vars.len();
                self.vars[n - 2].val = index;
            }
        }
        let res = self.walk_list(&elem, self.code().nodes(r.list));
        self.vars.truncate(mark);
        match res {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn walk_range_inner(&mut self, dot: &Rv, r: &'a Branch) -> R<()> {
        let mut val = self.eval_pipeline(dot, &r.pipe)?;
        if let Value::Object(_) = val.v {
            val.v = val.v.resolved().into_owned();
        }
        let mark = self.vars.len();
        match &val.v {
            Value::List(l) if !l.items.is_empty() => {
                for (i, e) in l.items.iter().enumerate() {
                    let idx = Rv::concrete(Value::Int(i as i64));
                    self.one_iteration(r, mark, idx, Rv::elem(e.clone(), l.elem))?;
                }
                return Ok(());
            }
            Value::Map(m) if !m.entries.is_empty() => {
                for (k, e) in m.entries.iter() {
                    let key = Rv::concrete(Value::from(k.as_str()));
                    self.one_iteration(r, mark, key, Rv::elem(e.clone(), m.elem))?;
                }
                return Ok(());
            }
            Value::List(_) | Value::Map(_) | Value::Nil => {}
            Value::Int(n) | Value::Int64(n) => {
                if r.pipe.decl.len() > 1 {
                    return self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        val.v
                    ));
                }
                let mk = |i: i64| match val.v {
                    Value::Int(_) => Value::Int(i),
                    _ => Value::Int64(i),
                };
                if *n > 0 {
                    for i in 0..*n {
                        self.one_iteration(r, mark, Rv::invalid(), Rv::concrete(mk(i)))?;
                    }
                    return Ok(());
                }
            }
            Value::Uint64(_) | Value::Byte(_) => {
                let n = val.v.int_kind().unwrap_or(0) as u64;
                if r.pipe.decl.len() > 1 {
                    return self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        val.v
                    ));
                }
                if n > 0 {
                    for i in 0..n {
                        let v = match val.v {
                            Value::Byte(_) => Value::Byte(i as u8),
                            _ => Value::Uint64(i),
                        };
                        self.one_iteration(r, mark, Rv::invalid(), Rv::concrete(v))?;
                    }
                    return Ok(());
                }
            }
            other => {
                return self.errorf(format!("range can't iterate over {other}"));
            }
        }
        if let Some(e) = r.else_list {
            self.walk_list(dot, self.code().nodes(e))?;
        }
        Ok(())
    }

    fn walk_template(&mut self, dot: &Rv, node: &'a Node, t: &'a TemplateNode) -> R<()> {
        self.at(At::Node(node));
        let name = self.code().name(t.name);
        let Some(tree) = self.set.trees.get(name) else {
            return self.errorf(format!(
                "template {} not defined",
                crate::strconv::quote(name)
            ));
        };
        if self.depth >= self.budget.limits.max_depth {
            return Err(Flow::Err(self.limit_err(format!(
                "exceeded maximum template depth ({})",
                self.budget.limits.max_depth
            ))));
        }
        let dot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Rv::invalid(),
        };
        let tree: &'a Tree = tree;
        let mut sub = State {
            set: self.set,
            tmpl: tree,
            at_tree: tree,
            at: At::None,
            vars: vec![Var::new("$", dot.clone())],
            depth: self.depth + 1,
            budget: &mut *self.budget,
            out: std::mem::take(&mut self.out),
        };
        let r = sub.walk_list(&dot, tree.code.nodes(tree.root));
        self.out = std::mem::take(&mut sub.out);
        r
    }

    // ---- evaluation ----

    fn eval_pipeline(&mut self, dot: &Rv, pipe: &'a Pipe) -> R<Rv> {
        self.at(At::Pipe(pipe));
        self.enter()?;
        let r = self.eval_pipeline_inner(dot, pipe);
        self.budget.nesting -= 1;
        r
    }

    fn eval_pipeline_inner(&mut self, dot: &Rv, pipe: &'a Pipe) -> R<Rv> {
        let mut value: Option<Rv> = None;
        let code = self.code();
        for cmd in code.cmds(pipe.cmds) {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(v.dig());
        }
        let value = value.unwrap_or_else(Rv::invalid);
        let src = self.src();
        for name in code.decls(pipe.decl) {
            if pipe.is_assign {
                self.set_var(name.of(src), value.clone())?;
            } else {
                self.vars.push(Var::new(name.of(src), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], final_: &Option<Rv>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            return self.errorf(format!(
                "can't give argument to non-function {}",
                self.show(&args[0])
            ));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, cmd: &'a Command, final_: Option<Rv>) -> R<Rv> {
        let code = self.code();
        let args = code.args(cmd.args);
        let first = &args[0];
        match first {
            Arg::Field { path, .. } => {
                self.at(At::Arg(first));
                let idents = &path.of(self.src())[1..];
                return self.eval_field_chain(dot, dot, first, idents, args, final_);
            }
            Arg::Chain { .. } => return self.eval_chain(dot, first, args, final_),
            Arg::Identifier { name, func, .. } => {
                let name = name.of(self.src());
                return self.eval_function(dot, first, name, *func, cmd, args, final_);
            }
            Arg::Pipe { pipe, .. } => {
                self.not_a_function(args, &final_)?;
                return self.eval_pipeline(dot, code.pipe(*pipe));
            }
            Arg::Variable { .. } => return self.eval_variable(dot, first, args, final_),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(args, &final_)?;
        match first {
            Arg::Bool { val, .. } => Ok(Rv::concrete(Value::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => self.errorf("nil is not a command".into()),
            Arg::Number { num, .. } => self.ideal_constant(first, code.number(*num)),
            Arg::String { text, .. } => Ok(Rv::concrete(code.string(*text).clone())),
            _ => self.errorf(format!("can't evaluate command {}", self.show(first))),
        }
    }

    fn ideal_constant(&mut self, node: &'a Arg, n: &Number) -> R<Rv> {
        self.at(At::Arg(node));
        let t = n.text.of(self.src());
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if let Some((re, im)) = n.complex {
            return Ok(Rv::concrete(Value::Complex(re, im)));
        }
        if n.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Rv::concrete(Value::Float(n.float)));
        }
        if n.is_int {
            return Ok(Rv::concrete(Value::Int(n.int)));
        }
        if n.is_uint {
            return self.errorf(format!("{t} overflows int"));
        }
        Ok(Rv::invalid())
    }

    fn eval_chain(
        &mut self,
        dot: &Rv,
        chain: &'a Arg,
        args: &'a [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(At::Arg(chain));
        let Arg::Chain { node, fields, .. } = chain else {
            return self.errorf("internal error: not a chain".into());
        };
        let node = self.code().arg(*node);
        if let Arg::Nil { .. } = node {
            return self.errorf(format!(
                "indirection through explicit nil in {}",
                self.show(chain)
            ));
        }
        let pipe = self.eval_arg(dot, None, node)?;
        let fields = &fields.of(self.src())[1..];
        self.eval_field_chain(dot, &pipe, chain, fields, args, final_)
    }

    fn eval_variable(
        &mut self,
        dot: &Rv,
        var: &'a Arg,
        args: &'a [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(At::Arg(var));
        let Arg::Variable { path, .. } = var else {
            return self.errorf("internal error: not a variable".into());
        };
        let path = path.of(self.src());
        // Names are short (`$`, `$root`): a byte loop finds the dot for less than a searcher.
        let (name, fields) = match path.bytes().position(|c| c == b'.') {
            Some(i) => (&path[..i], Some(&path[i + 1..])),
            None => (path, None),
        };
        let value = self.var_value(name)?;
        let Some(fields) = fields else {
            self.not_a_function(args, &final_)?;
            return Ok(value);
        };
        self.eval_field_chain(dot, &value, var, fields, args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Rv,
        receiver: &Rv,
        node: &'a Arg,
        idents: &'a str,
        args: &'a [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        // `idents` is the dotted path without its leading dot: `a.b.c`. Every field but the
        // last is evaluated without arguments (a byte scan: this runs for every `.X.Y`).
        // The receiver is borrowed: the first hop (usually dot) needs no copy.
        let mut start = 0;
        let mut hop: Option<Rv> = None;
        for (i, c) in idents.bytes().enumerate() {
            if c == b'.' {
                let r = hop.as_ref().unwrap_or(receiver);
                let next = self.eval_field(dot, &idents[start..i], node, &[], None, r)?;
                hop = Some(next);
                start = i + 1;
            }
        }
        let r = hop.as_ref().unwrap_or(receiver);
        self.eval_field(dot, &idents[start..], node, args, final_, r)
    }

    fn eval_field(
        &mut self,
        dot: &Rv,
        field: &str,
        node: &'a Arg,
        args: &'a [Arg],
        final_: Option<Rv>,
        receiver: &Rv,
    ) -> R<Rv> {
        if receiver.is_invalid() {
            if self.set.missing_key == MissingKey::Error {
                return self.errorf(format!(
                    "nil data; no entry for key {}",
                    crate::strconv::quote(field)
                ));
            }
            return Ok(Rv::invalid());
        }
        // The type's name is only needed for errors; building it for every field was a
        // measurable share of execution.
        let typ = || receiver.type_name();
        if receiver.v.is_nil() {
            return self.errorf(format!("nil pointer evaluating {}.{field}", typ()));
        }
        let has_args = args.len() > 1 || final_.is_some();
        match &receiver.v {
            Value::Object(o) => {
                if let Some(m) = o.method(field) {
                    return self.eval_call(dot, &m, false, At::Arg(node), field, args, final_);
                }
                if o.is_nil() {
                    return self.errorf(format!("nil pointer evaluating {}.{field}", typ()));
                }
                if let Some(v) = o.field(field) {
                    if has_args {
                        return self.errorf(format!(
                            "{field} has arguments but cannot be invoked as function"
                        ));
                    }
                    let iface = v.is_nil() || o.fields_are_interfaces();
                    return Ok(Rv { v, iface });
                }
                if let Some(Value::Map(m)) = o.value() {
                    return self.map_field(&m, field, has_args);
                }
            }
            Value::Map(m) => return self.map_field(m, field, has_args),
            _ => {}
        }
        self.errorf(format!("can't evaluate field {field} in type {}", typ()))
    }

    /// `.key` on a map, with the `missingkey` option.
    fn map_field(&self, m: &crate::value::Map, field: &str, has_args: bool) -> R<Rv> {
        if has_args {
            return self.errorf(format!("{field} is not a method but has arguments"));
        }
        match m.get(field) {
            Some(v) => Ok(Rv::elem(v.clone(), m.elem)),
            None => match self.set.missing_key {
                MissingKey::Default => Ok(Rv::invalid()),
                MissingKey::Zero => Ok(Rv::elem(m.elem.zero(), m.elem)),
                MissingKey::Error => self.errorf(format!(
                    "map has no entry for key {}",
                    crate::strconv::quote(field)
                )),
            },
        }
    }

    /// The function an identifier names: by the place the parse found it at when the set
    /// runs with that same function table (a host that renders again with the same
    /// functions), else by name. The set outlives this state: no reference count bump.
    fn function(&self, name: &str, func: u32) -> Option<&'a std::sync::Arc<Func>> {
        let set: &'a Templates = self.set;
        let code: &'a Code = self.code();
        code.func(&set.funcs, func)
            .or_else(|| set.lookup_func(name))
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function(
        &mut self,
        dot: &Rv,
        node: &'a Arg,
        name: &'a str,
        func: u32,
        cmd: &'a Command,
        args: &'a [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(At::Arg(node));
        let Some(f) = self.function(name, func) else {
            return self.errorf(format!(
                "{} is not a defined function",
                crate::strconv::quote(name)
            ));
        };
        let builtin = matches!(f.imp, Imp::Builtin(_));
        self.eval_call(dot, f, builtin, At::Cmd(cmd), name, args, final_)
    }

    /// Go's `evalCall`. `args[0]` is the function's own node (skipped);
    /// `final_` is the value piped in, if any.
    #[allow(clippy::too_many_arguments)]
    fn eval_call(
        &mut self,
        dot: &Rv,
        f: &Func,
        is_builtin: bool,
        node: At<'a>,
        name: &str,
        args: &'a [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        let args: &'a [Arg] = if args.is_empty() { args } else { &args[1..] };
        let params = f.params();
        let variadic = f.variadic();
        let num_in = args.len() + final_.is_some() as usize;
        let num_fixed = if variadic.is_some() {
            if num_in < params.len() {
                return self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    params.len(),
                    args.len()
                ));
            }
            params.len()
        } else {
            if num_in != params.len() {
                return self.errorf(format!(
                    "wrong number of args for {name}: want {} got {num_in}",
                    params.len()
                ));
            }
            args.len()
        };
        let param_type = |i: usize| -> ArgType {
            if i < params.len() {
                params[i]
            } else {
                variadic.unwrap_or(ArgType::Any)
            }
        };

        let bi = match f.imp {
            Imp::Builtin(b) if is_builtin => Some(b),
            _ => None,
        };
        if let Some(b @ (Builtin::And | Builtin::Or)) = bi {
            let want = b == Builtin::Or;
            let mut v = Rv::invalid();
            for a in args {
                v = self.eval_arg(dot, Some(ArgType::Any), a)?;
                if v.v.truth() == want {
                    return Ok(v);
                }
            }
            if let Some(fin) = final_ {
                v = self.validate_type(fin, Some(ArgType::Any))?;
            }
            return Ok(v);
        }

        let mut argv: Vec<Rv> = self.budget.arg_pool.pop().unwrap_or_default();
        let r = self.eval_args(
            dot,
            args,
            num_fixed,
            variadic.is_some(),
            &param_type,
            final_,
            &mut argv,
        );
        if let Err(e) = r {
            argv.clear();
            self.budget.arg_pool.push(argv);
            return Err(e);
        }
        let r = self.call_func(f, bi, node, name, args, &mut argv);
        argv.clear();
        self.budget.arg_pool.push(argv);
        r
    }

    /// Evaluates a call's arguments into `argv` (with the piped value last).
    #[allow(clippy::too_many_arguments)]
    fn eval_args(
        &mut self,
        dot: &Rv,
        args: &'a [Arg],
        num_fixed: usize,
        variadic: bool,
        param_type: &dyn Fn(usize) -> ArgType,
        final_: Option<Rv>,
        argv: &mut Vec<Rv>,
    ) -> R<()> {
        let num_in = args.len() + final_.is_some() as usize;
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            argv.push(self.eval_arg(dot, Some(param_type(i)), &args[i])?);
            i += 1;
        }
        if variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, Some(param_type(i)), &args[i])?);
                i += 1;
            }
        }
        if let Some(fin) = final_ {
            let t = param_type(num_in - 1);
            argv.push(self.validate_type(fin, Some(t))?);
        }
        Ok(())
    }

    /// Calls `f` with evaluated arguments and checks its result.
    fn call_func(
        &mut self,
        f: &Func,
        bi: Option<Builtin>,
        node: At<'a>,
        name: &str,
        args: &'a [Arg],
        argv: &mut Vec<Rv>,
    ) -> R<Rv> {
        let result = match (bi, &f.imp) {
            (Some(Builtin::Call), _) => {
                let callee = match args.first() {
                    Some(a) => self.show(a),
                    None => crate::fmt::sprint(&[argv[0].v.clone()]),
                };
                self.call_value(&callee, argv)
            }
            (Some(b), _) => builtins::call(b, argv).map_err(FuncError::from),
            (None, Imp::Host(h)) => {
                let mut vals = self.budget.value_pool.pop().unwrap_or_default();
                vals.extend(argv.drain(..).map(|r| r.v));
                let mut ctx = Context {
                    set: self.set,
                    budget: &mut *self.budget,
                    depth: self.depth,
                };
                let r = h(&mut ctx, &vals).map(Rv::concrete);
                vals.clear();
                self.budget.value_pool.push(vals);
                r
            }
            (None, Imp::Builtin(b)) => builtins::call(*b, argv).map_err(FuncError::from),
        };
        match result {
            Ok(mut v) => {
                if v.v.is_nil() {
                    // Functions return interface{}: a nil result is typed.
                    v.iface = true;
                }
                // Strings built in variables never reach the output check;
                // without this, `$x = printf "%s%s" $x $x` in a loop grows
                // memory exponentially.
                if let Value::String(s) = &v.v {
                    if s.len() > self.budget.limits.max_output {
                        self.at = node;
                        self.at_tree = self.tmpl;
                        return Err(Flow::Err(self.limit_err(format!(
                            "exceeded maximum output size ({} bytes) in the result of {name}",
                            self.budget.limits.max_output
                        ))));
                    }
                }
                Ok(v)
            }
            Err(e) => {
                self.at = node;
                self.at_tree = self.tmpl;
                if let Some(inner) = e.limit {
                    return Err(Flow::Err(inner));
                }
                let mut err =
                    self.make_err(ErrorKind::Exec, format!("error calling {name}: {}", e.msg));
                err.cause = Some(e.msg);
                Err(Flow::Err(err))
            }
        }
    }

    /// The `call` builtin: call a function value with the given arguments.
    fn call_value(&mut self, callee: &str, argv: &[Rv]) -> Result<Rv, FuncError> {
        let f = match &argv[0].v {
            Value::Nil => return Err(FuncError::from("call of nil")),
            Value::Func(f) => f.clone(),
            v => {
                return Err(FuncError::from(format!(
                    "non-function {callee} of type {}",
                    v.type_name()
                )))
            }
        };
        let args = &argv[1..];
        let n = f.params().len();
        if f.variadic().is_some() {
            if args.len() < n {
                return Err(FuncError::from(format!(
                    "wrong number of args for {callee}: got {} want at least {n}",
                    args.len()
                )));
            }
        } else if args.len() != n {
            return Err(FuncError::from(format!(
                "wrong number of args for {callee}: got {} want {n}",
                args.len()
            )));
        }
        for (i, a) in args.iter().enumerate() {
            let t = f
                .params()
                .get(i)
                .copied()
                .or(f.variadic())
                .unwrap_or(ArgType::Any);
            let ok = if a.v.is_nil() {
                t.can_be_nil()
            } else {
                t.accepts(&a.v)
            };
            if !ok {
                let msg = if a.v.is_nil() {
                    format!("arg {i}: value is nil; should be of type {}", t.go_name())
                } else {
                    format!(
                        "arg {i}: value has type {}; should be {}",
                        a.v.type_name(),
                        t.go_name()
                    )
                };
                return Err(FuncError::from(msg));
            }
        }
        match &f.imp {
            Imp::Host(h) => {
                let vals: Vec<Value> = args.iter().map(|r| r.v.clone()).collect();
                let mut ctx = Context {
                    set: self.set,
                    budget: &mut *self.budget,
                    depth: self.depth,
                };
                h(&mut ctx, &vals).map(Rv::concrete)
            }
            Imp::Builtin(b) => builtins::call(*b, args).map_err(FuncError::from),
        }
    }

    /// Go's `validateType`: check that a computed value fits the parameter.
    fn validate_type(&mut self, value: Rv, typ: Option<ArgType>) -> R<Rv> {
        if value.is_invalid() {
            return match typ {
                None => Ok(value),
                Some(t) if t.can_be_nil() => Ok(Rv::concrete(Value::Nil)),
                Some(t) => self.errorf(format!("invalid value; expected {}", t.go_name())),
            };
        }
        let Some(t) = typ else { return Ok(value) };
        if t == ArgType::Any {
            return Ok(value);
        }
        if value.iface {
            if !value.v.is_nil() && t.accepts(&value.v) {
                return Ok(value.dig());
            }
            if value.v.is_nil() {
                return self.errorf(format!(
                    "wrong type for value; expected {}; got interface {{}}",
                    t.go_name()
                ));
            }
        } else if t.accepts(&value.v) {
            return Ok(value);
        }
        self.errorf(format!(
            "wrong type for value; expected {}; got {}",
            t.go_name(),
            value.v.type_name()
        ))
    }

    fn eval_arg(&mut self, dot: &Rv, typ: Option<ArgType>, n: &'a Arg) -> R<Rv> {
        self.at(At::Arg(n));
        match n {
            Arg::Dot { .. } => return self.validate_type(dot.clone(), typ),
            Arg::Nil { .. } => {
                let t = typ.unwrap_or(ArgType::Any);
                if t.can_be_nil() {
                    return Ok(Rv::concrete(Value::Nil));
                }
                return self.errorf(format!("cannot assign nil to {}", t.go_name()));
            }
            Arg::Field { path, .. } => {
                self.at(At::Arg(n));
                let idents = &path.of(self.src())[1..];
                let v =
                    self.eval_field_chain(dot, dot, n, idents, std::slice::from_ref(n), None)?;
                return self.validate_type(v, typ);
            }
            Arg::Variable { .. } => {
                let v = self.eval_variable(dot, n, &[], None)?;
                return self.validate_type(v, typ);
            }
            Arg::Pipe { pipe, .. } => {
                let v = self.eval_pipeline(dot, self.code().pipe(*pipe))?;
                return self.validate_type(v, typ);
            }
            Arg::Identifier { name, func, .. } => {
                self.at(At::Arg(n));
                let name = name.of(self.src());
                let Some(f) = self.function(name, *func) else {
                    return self.errorf(format!(
                        "{} is not a defined function",
                        crate::strconv::quote(name)
                    ));
                };
                let builtin = matches!(f.imp, Imp::Builtin(_));
                let v = self.eval_call(dot, f, builtin, At::Arg(n), name, &[], None)?;
                return self.validate_type(v, typ);
            }
            Arg::Chain { .. } => {
                let v = self.eval_chain(dot, n, &[], None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let t = typ.unwrap_or(ArgType::Any);
        let code = self.code();
        let number = match n {
            Arg::Number { num, .. } => Some(code.number(*num)),
            _ => None,
        };
        match (t, n, number) {
            (ArgType::Any, _, _) => self.eval_empty_interface(n),
            (ArgType::Bool, Arg::Bool { val, .. }, _) => Ok(Rv::concrete(Value::Bool(*val))),
            (ArgType::Bool, _, _) => self.errorf(format!("expected bool; found {}", self.show(n))),
            (ArgType::String, Arg::String { text, .. }, _) => {
                Ok(Rv::concrete(code.string(*text).clone()))
            }
            (ArgType::String, _, _) => {
                self.errorf(format!("expected string; found {}", self.show(n)))
            }
            (ArgType::Int | ArgType::Int64, _, Some(num)) if num.is_int => {
                Ok(Rv::concrete(if t == ArgType::Int {
                    Value::Int(num.int)
                } else {
                    Value::Int64(num.int)
                }))
            }
            (ArgType::Int | ArgType::Int64, _, _) => {
                self.errorf(format!("expected integer; found {}", self.show(n)))
            }
            (ArgType::Uint64, _, Some(num)) if num.is_uint => {
                Ok(Rv::concrete(Value::Uint64(num.uint)))
            }
            (ArgType::Uint64, _, _) => {
                self.errorf(format!("expected unsigned integer; found {}", self.show(n)))
            }
            (ArgType::Float64, _, Some(num)) if num.is_float => {
                Ok(Rv::concrete(Value::Float(num.float)))
            }
            (ArgType::Float64, _, _) => {
                self.errorf(format!("expected float; found {}", self.show(n)))
            }
            (ArgType::List | ArgType::Map | ArgType::Object(_), _, _) => self.errorf(format!(
                "can't handle {} for arg of type {}",
                self.show(n),
                t.go_name()
            )),
        }
    }

    fn eval_empty_interface(&mut self, n: &'a Arg) -> R<Rv> {
        self.at(At::Arg(n));
        match n {
            Arg::Bool { val, .. } => Ok(Rv::concrete(Value::Bool(*val))),
            Arg::Number { num, .. } => self.ideal_constant(n, self.code().number(*num)),
            Arg::String { text, .. } => Ok(Rv::concrete(self.code().string(*text).clone())),
            _ => self.errorf(format!(
                "can't handle assignment of {} to empty interface argument",
                self.show(n)
            )),
        }
    }
}

/// The integer a number prints as under `%v`, when it prints as plain digits: Go's
/// integer types, and whole `float64`s below 1e6 (from 1e6 on, Go's shortest `%v`
/// switches to `1e+06`; negative zero prints `-0`).
fn plain_number(v: &Value) -> Option<i128> {
    match v {
        Value::Int(i) | Value::Int64(i) => Some(*i as i128),
        Value::Uint64(u) => Some(*u as i128),
        Value::Byte(b) => Some(*b as i128),
        Value::Float(f)
            if f.fract() == 0.0 && f.abs() < 1e6 && !(*f == 0.0 && f.is_sign_negative()) =>
        {
            Some(*f as i128)
        }
        _ => None,
    }
}

/// Writes `i` in decimal at the end of `buf`, returning how many bytes it took.
fn decimal(i: i128, buf: &mut [u8; 24]) -> usize {
    let mut u = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    buf.len() - at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digit fast path prints exactly what Go's `fmt.Sprint` (our port) prints.
    #[test]
    fn plain_numbers_print_like_sprint() {
        let mut cases = vec![
            Value::Int(0),
            Value::Int(-7),
            Value::Int(i64::MIN),
            Value::Int64(i64::MAX),
            Value::Uint64(u64::MAX),
            Value::Byte(255),
            Value::Float(0.0),
            Value::Float(-0.0),
            Value::Float(8080.0),
            Value::Float(-3.0),
            Value::Float(999_999.0),
            Value::Float(1e6),
            Value::Float(2.5),
            Value::Float(1e21),
        ];
        cases.extend((0..60).map(|i| Value::Float(f64::from(i * 16_661 % 1_100_000))));
        let mut fast = 0;
        for v in &cases {
            let want = crate::fmt::sprint(std::slice::from_ref(v));
            if let Some(i) = plain_number(v) {
                fast += 1;
                let mut buf = [0u8; 24];
                let n = decimal(i, &mut buf);
                assert_eq!(std::str::from_utf8(&buf[24 - n..]).unwrap(), want, "{v:?}");
            }
        }
        assert!(fast >= 60, "{fast}");
        assert!(plain_number(&Value::Float(1e6)).is_none());
        assert!(plain_number(&Value::Float(-0.0)).is_none());
        assert!(plain_number(&Value::Float(2.5)).is_none());
    }
}
