//! The rule language's syntax: tokens, the syntax tree and a recursive-descent parser.
//!
//! ```text
//! file   := { "health" TARGET {"," TARGET} block | "fn" NAME block }
//! block  := "{" { stmt } "}"
//! stmt   := STATUS [expr]                 -- a result; the message must start on the same line
//!         | "return" expr ["," expr]      -- a status computed as text, and a message
//!         | "none"                        -- no health from this rule
//!         | "if" expr block { "else" "if" expr block } [ "else" block ]
//!         | "for" NAME "in" expr block   -- over list items (or object values)
//!         | "let" NAME "=" expr
//!         | "call" NAME                  -- run a `fn` defined earlier in the file
//! expr   := or; or := and {"or" and}; and := not {"and" not}; not := "not" not | cmp
//! cmp    := sum [("=="|"!="|"<"|"<="|">"|">="|"in") sum]
//! sum    := prod {("+"|"-") prod}; prod := unary {("*"|"/"|"%") unary}
//! unary  := "-" unary | postfix; postfix := primary { "." NAME ["(" args ")"] | "[" expr "]" }
//! primary:= STRING | NUMBER | true | false | null | NAME ["(" args ")"] | "[" list "]" | "(" expr ")"
//! ```
//! A `fn` can only call `fn`s defined above it, so evaluation always terminates. A `fn` runs
//! inline: it reads the caller's variables and the variables it sets are its results.
//!
//! Names resolve to a variable, else to a top-level field of the object (`status`, `spec`,
//! `metadata`, `kind`, ...); `self` is the whole object. Methods taking a per-item
//! expression: `list.any(x, p)`, `all`, `find` (first item or null), `filter`, `map`,
//! `count`, `sortBy(x, key)`. Functions (also callable as methods, receiver first): `len`,
//! `str`, `num`, `type`, `lower`, `upper`, `trim`, `startsWith`, `endsWith`, `contains`,
//! `join`, `split`, `keys`, `slice`, `replace`, `default(x, d)`. `list[-1]` is the last item.

use super::RuleError;
use crate::health::HealthStatus;
use serde_json::Value;

/// Nesting deeper than this is refused so hostile input cannot overflow the stack while
/// parsing (which recurses per nesting level).
const MAX_DEPTH: usize = 64;

/// Syntax trees deeper than this are refused: evaluation recurses once per tree level, and
/// each operator of a chain (`a + b + c ...`) adds a level without nesting.
const MAX_TREE_DEPTH: usize = 256;

/// Longest chain of `fn`s calling `fn`s.
const MAX_CALL_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Name(String),
    Str(String),
    Num(f64, bool),
    Punct(&'static str),
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
    col: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Stmt {
    Result(HealthStatus, Option<Expr>),
    Return(Expr, Option<Expr>),
    NoHealth,
    If(Vec<(Expr, Vec<Stmt>)>, Vec<Stmt>),
    For(String, Expr, Vec<Stmt>),
    Let(String, Expr),
    Call(usize),
}

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Lit(Value),
    Name(String),
    List(Vec<Expr>),
    Field(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    /// A function (`len(x)`) or method (`x.lower()`, receiver first in the args).
    Call(String, Vec<Expr>),
    /// `list.any(c, predicate)` and friends: the variable is bound per item.
    Macro(String, Box<Expr>, String, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
}

/// Methods whose second argument is evaluated once per list item.
const MACROS: &[&str] = &["any", "all", "filter", "map", "find", "count", "sortBy"];

/// A parsed file: the rules (targets + body) and the shared functions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed {
    pub rules: Vec<(Vec<String>, Vec<Stmt>)>,
    pub functions: Vec<Vec<Stmt>>,
}

pub(crate) fn parse(src: &str) -> Result<Parsed, RuleError> {
    let mut p = Parser {
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        col: 1,
        peeked: None,
        fn_names: Vec::new(),
        fn_call_depth: Vec::new(),
        calls: 0,
        depth: 0,
        tree: 0,
    };
    let mut parsed = Parsed::default();
    loop {
        let t = p.next()?;
        match &t.tok {
            Tok::Eof => return Ok(parsed),
            Tok::Name(n) if n == "health" => {
                let targets = p.targets()?;
                let body = p.block()?;
                parsed.rules.push((targets, body));
            }
            Tok::Name(n) if n == "fn" => {
                let name = p.name()?;
                p.calls = 0;
                let body = p.block()?;
                p.fn_names.push(name);
                p.fn_call_depth.push(p.calls);
                parsed.functions.push(body);
            }
            _ => return Err(p.error_at(&t, "expected `health` or `fn`")),
        }
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
    peeked: Option<Token>,
    fn_names: Vec<String>,
    /// Per `fn`: how deep its chain of calls goes (0: calls nothing).
    fn_call_depth: Vec<usize>,
    /// Deepest call chain seen in the block being parsed.
    calls: usize,
    depth: usize,
    tree: usize,
}

impl Parser {
    fn error_at(&self, t: &Token, msg: &str) -> RuleError {
        RuleError {
            line: t.line,
            col: t.col,
            message: msg.to_string(),
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = *self.chars.get(self.pos)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_space(&mut self) {
        while let Some(&c) = self.chars.get(self.pos) {
            if c == '#' {
                while self.chars.get(self.pos).is_some_and(|c| *c != '\n') {
                    self.bump();
                }
            } else if c.is_whitespace() {
                self.bump();
            } else {
                break;
            }
        }
    }

    /// The group/kind list after `health`, read raw: names hold `.`, `-` and `*`.
    fn targets(&mut self) -> Result<Vec<String>, RuleError> {
        debug_assert!(self.peeked.is_none());
        let mut targets = Vec::new();
        loop {
            self.skip_space();
            let (line, col) = (self.line, self.col);
            let mut word = String::new();
            while let Some(&c) = self.chars.get(self.pos) {
                if c.is_whitespace() || c == ',' || c == '{' {
                    break;
                }
                word.push(c);
                self.bump();
            }
            if !word.contains('/') {
                return Err(RuleError {
                    line,
                    col,
                    message: "expected a target like `group/Kind` (`*` matches anything)".into(),
                });
            }
            targets.push(word);
            self.skip_space();
            if self.chars.get(self.pos) == Some(&',') {
                self.bump();
            } else {
                return Ok(targets);
            }
        }
    }

    fn lex(&mut self) -> Result<Token, RuleError> {
        self.skip_space();
        let (line, col) = (self.line, self.col);
        let at = |tok| Ok(Token { tok, line, col });
        let Some(c) = self.bump() else {
            return at(Tok::Eof);
        };
        if c.is_ascii_alphabetic() || c == '_' {
            let mut s = c.to_string();
            while let Some(&c) = self.chars.get(self.pos) {
                if !(c.is_ascii_alphanumeric() || c == '_') {
                    break;
                }
                s.push(c);
                self.bump();
            }
            return at(Tok::Name(s));
        }
        if c.is_ascii_digit() {
            let mut s = c.to_string();
            while let Some(&c) = self.chars.get(self.pos) {
                if !(c.is_ascii_digit() || c == '.') {
                    break;
                }
                s.push(c);
                self.bump();
            }
            let is_int = !s.contains('.');
            return match s.parse::<f64>() {
                Ok(n) => at(Tok::Num(n, is_int)),
                Err(_) => Err(RuleError {
                    line,
                    col,
                    message: format!("bad number `{s}`"),
                }),
            };
        }
        if c == '"' {
            let mut s = String::new();
            loop {
                match self.bump() {
                    None => {
                        return Err(RuleError {
                            line,
                            col,
                            message: "unterminated string".into(),
                        })
                    }
                    Some('"') => return at(Tok::Str(s)),
                    Some('\\') => match self.bump() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(c @ ('"' | '\\')) => s.push(c),
                        _ => {
                            return Err(RuleError {
                                line: self.line,
                                col: self.col,
                                message: "unknown escape (use \\n \\t \\\" \\\\)".into(),
                            })
                        }
                    },
                    Some(c) => s.push(c),
                }
            }
        }
        const TWO: &[&str] = &["==", "!=", "<=", ">="];
        const ONE: &[&str] = &[
            "{", "}", "(", ")", "[", "]", ",", ".", "<", ">", "+", "-", "*", "/", "%", "=",
        ];
        if let Some(&next) = self.chars.get(self.pos) {
            let pair: String = [c, next].iter().collect();
            if let Some(p) = TWO.iter().find(|p| **p == pair) {
                self.bump();
                return at(Tok::Punct(p));
            }
        }
        match ONE.iter().find(|p| p.starts_with(c)) {
            Some(p) => at(Tok::Punct(p)),
            None => Err(RuleError {
                line,
                col,
                message: format!("unexpected character `{c}`"),
            }),
        }
    }

    fn peek(&mut self) -> Result<&Token, RuleError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex()?);
        }
        Ok(self.peeked.as_ref().expect("just filled"))
    }

    fn next(&mut self) -> Result<Token, RuleError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    fn is_punct(&mut self, p: &str) -> Result<bool, RuleError> {
        Ok(matches!(&self.peek()?.tok, Tok::Punct(q) if *q == p))
    }

    fn is_word(&mut self, w: &str) -> Result<bool, RuleError> {
        Ok(matches!(&self.peek()?.tok, Tok::Name(n) if n == w))
    }

    fn expect(&mut self, p: &str) -> Result<(), RuleError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Punct(q) if *q == p => Ok(()),
            _ => Err(self.error_at(&t, &format!("expected `{p}`"))),
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), RuleError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Name(n) if n == w => Ok(()),
            _ => Err(self.error_at(&t, &format!("expected `{w}`"))),
        }
    }

    fn name(&mut self) -> Result<String, RuleError> {
        let t = self.next()?;
        match t.tok {
            Tok::Name(n) => Ok(n),
            _ => Err(self.error_at(&t, "expected a name")),
        }
    }

    fn enter(&mut self) -> Result<(), RuleError> {
        self.depth += 1;
        self.tree += 1;
        if self.depth > MAX_DEPTH || self.tree > MAX_TREE_DEPTH {
            let t = self.peek()?.clone();
            return Err(self.error_at(&t, "nested too deeply"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
        self.tree -= 1;
    }

    /// One more operator in a chain: deeper tree, same parser recursion.
    fn chain(&mut self) -> Result<(), RuleError> {
        self.tree += 1;
        if self.tree > MAX_TREE_DEPTH {
            let t = self.peek()?.clone();
            return Err(self.error_at(&t, "expression too long (split it with `let`)"));
        }
        Ok(())
    }

    fn block(&mut self) -> Result<Vec<Stmt>, RuleError> {
        self.enter()?;
        self.expect("{")?;
        let mut body = Vec::new();
        while !self.is_punct("}")? {
            body.push(self.stmt()?);
        }
        self.expect("}")?;
        self.leave();
        Ok(body)
    }

    fn stmt(&mut self) -> Result<Stmt, RuleError> {
        let t = self.next()?;
        let Tok::Name(word) = &t.tok else {
            return Err(self.error_at(&t, "expected a statement"));
        };
        if let Some(status) = HealthStatus::parse(word) {
            // The message is optional; it belongs to the result only on the same line.
            let next = self.peek()?.clone();
            let ends = matches!(next.tok, Tok::Punct("}") | Tok::Eof) || next.line != t.line;
            let message = if ends { None } else { Some(self.expr()?) };
            return Ok(Stmt::Result(status, message));
        }
        match word.as_str() {
            "none" => Ok(Stmt::NoHealth),
            "return" => {
                let status = self.expr()?;
                let message = if self.is_punct(",")? {
                    self.next()?;
                    Some(self.expr()?)
                } else {
                    None
                };
                Ok(Stmt::Return(status, message))
            }
            "let" => {
                let name = self.name()?;
                self.expect("=")?;
                Ok(Stmt::Let(name, self.expr()?))
            }
            "for" => {
                let name = self.name()?;
                self.expect_word("in")?;
                let list = self.expr()?;
                Ok(Stmt::For(name, list, self.block()?))
            }
            "if" => {
                let mut branches = vec![(self.expr()?, self.block()?)];
                let mut otherwise = Vec::new();
                while self.is_word("else")? {
                    self.next()?;
                    if self.is_word("if")? {
                        self.next()?;
                        branches.push((self.expr()?, self.block()?));
                    } else {
                        otherwise = self.block()?;
                        break;
                    }
                }
                Ok(Stmt::If(branches, otherwise))
            }
            "call" => {
                let at = self.peek()?.clone();
                let name = self.name()?;
                let Some(i) = self.fn_names.iter().position(|n| *n == name) else {
                    return Err(self.error_at(&at, &format!("no `fn {name}` defined above")));
                };
                // Each call level is a level of evaluation recursion: keep chains short.
                self.calls = self.calls.max(self.fn_call_depth[i] + 1);
                if self.calls > MAX_CALL_DEPTH {
                    return Err(self.error_at(&at, "`fn` calls nested too deeply"));
                }
                Ok(Stmt::Call(i))
            }
            _ => Err(self.error_at(
                &t,
                "expected a health status, `return`, `none`, `if`, `for`, `let` or `call`",
            )),
        }
    }

    fn expr(&mut self) -> Result<Expr, RuleError> {
        self.enter()?;
        let e = self.or();
        self.leave();
        e
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let start = self.tree;
        let mut e = self.and()?;
        while self.is_word("or")? {
            self.next()?;
            self.chain()?;
            e = Expr::Bin("or", Box::new(e), Box::new(self.and()?));
        }
        self.tree = start;
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let start = self.tree;
        let mut e = self.not()?;
        while self.is_word("and")? {
            self.next()?;
            self.chain()?;
            e = Expr::Bin("and", Box::new(e), Box::new(self.not()?));
        }
        self.tree = start;
        Ok(e)
    }

    fn not(&mut self) -> Result<Expr, RuleError> {
        if self.is_word("not")? {
            self.next()?;
            self.enter()?;
            let e = Expr::Not(Box::new(self.not()?));
            self.leave();
            return Ok(e);
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, RuleError> {
        let left = self.sum()?;
        let op = match &self.peek()?.tok {
            Tok::Punct(p @ ("==" | "!=" | "<" | "<=" | ">" | ">=")) => *p,
            Tok::Name(n) if n == "in" => "in",
            _ => return Ok(left),
        };
        self.next()?;
        Ok(Expr::Bin(op, Box::new(left), Box::new(self.sum()?)))
    }

    fn sum(&mut self) -> Result<Expr, RuleError> {
        let start = self.tree;
        let mut e = self.prod()?;
        while let Tok::Punct(p @ ("+" | "-")) = self.peek()?.tok {
            self.next()?;
            self.chain()?;
            e = Expr::Bin(p, Box::new(e), Box::new(self.prod()?));
        }
        self.tree = start;
        Ok(e)
    }

    fn prod(&mut self) -> Result<Expr, RuleError> {
        let start = self.tree;
        let mut e = self.unary()?;
        while let Tok::Punct(p @ ("*" | "/" | "%")) = self.peek()?.tok {
            self.next()?;
            self.chain()?;
            e = Expr::Bin(p, Box::new(e), Box::new(self.unary()?));
        }
        self.tree = start;
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.is_punct("-")? {
            self.next()?;
            self.enter()?;
            let e = Expr::Neg(Box::new(self.unary()?));
            self.leave();
            return Ok(e);
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, RuleError> {
        let mut e = self.primary()?;
        loop {
            if self.is_punct(".")? {
                self.next()?;
                let name = self.name()?;
                if !self.is_punct("(")? {
                    e = Expr::Field(Box::new(e), name);
                    continue;
                }
                let at = self.peek()?.clone();
                self.next()?;
                if MACROS.contains(&name.as_str()) {
                    let var = self.name()?;
                    self.expect(",")?;
                    let body = self.expr()?;
                    self.expect(")")?;
                    e = Expr::Macro(name, Box::new(e), var, Box::new(body));
                } else {
                    let mut args = vec![e];
                    args.extend(self.args(")")?);
                    if !super::eval::is_function(&name) {
                        return Err(self.error_at(&at, &format!("unknown method `{name}`")));
                    }
                    e = Expr::Call(name, args);
                }
            } else if self.is_punct("[")? {
                self.next()?;
                let index = self.expr()?;
                self.expect("]")?;
                e = Expr::Index(Box::new(e), Box::new(index));
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self, close: &str) -> Result<Vec<Expr>, RuleError> {
        let mut args = Vec::new();
        while !self.is_punct(close)? {
            args.push(self.expr()?);
            if !self.is_punct(close)? {
                self.expect(",")?;
            }
        }
        self.expect(close)?;
        Ok(args)
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let t = self.next()?;
        Ok(match t.tok.clone() {
            Tok::Str(s) => Expr::Lit(Value::String(s)),
            Tok::Num(n, true) if n < 9.0e15 => Expr::Lit(Value::from(n as i64)),
            Tok::Num(n, _) => {
                Expr::Lit(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
            }
            Tok::Punct("(") => {
                let e = self.expr()?;
                self.expect(")")?;
                e
            }
            Tok::Punct("[") => Expr::List(self.args("]")?),
            Tok::Name(n) => match n.as_str() {
                "true" => Expr::Lit(Value::Bool(true)),
                "false" => Expr::Lit(Value::Bool(false)),
                "null" => Expr::Lit(Value::Null),
                _ if self.is_punct("(")? => {
                    self.next()?;
                    if !super::eval::is_function(&n) {
                        return Err(self.error_at(&t, &format!("unknown function `{n}`")));
                    }
                    Expr::Call(n, self.args(")")?)
                }
                _ => Expr::Name(n),
            },
            _ => return Err(self.error_at(&t, "expected an expression")),
        })
    }
}
