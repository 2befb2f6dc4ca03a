//! A tiny shell model: enough of `sh -c '...'` to run the scripts Kubernetes examples and e2e
//! tests put in containers (`echo ok >/tmp/health; sleep 10; rm -rf /tmp/health; sleep 600`,
//! `trap _term SIGTERM`, `while true; do ...; done`) and the commands exec probes run (`cat FILE`,
//! `sh -c 'sleep 10 & exit 1'`).
//!
//! A script is executed once, symbolically, on a virtual clock: the result is a timeline of file
//! writes and removals plus how the script ends (exit code at a time, or running forever). Probes
//! then query the file system at any instant. Nothing here can loop for real: loops that repeat
//! the same state are recognised as periodic, and every run is bounded in steps and time.

use crate::clock::{Millis, SECOND};
use std::collections::BTreeMap;

/// Which userland the image has: error texts differ between busybox and GNU coreutils.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Busybox,
    Gnu,
}

/// Time after which a symbolic run gives up and calls the rest "forever" (one year).
const HORIZON: Millis = 365 * 24 * 3600 * SECOND;
const MAX_STEPS: u32 = 20_000;
const MAX_SCRIPT_BYTES: usize = 64 * 1024;

// ---------------------------------------------------------------- syntax

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
enum Redir {
    Out(String),
    Append(String),
    Ignore,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Simple(Vec<String>, Vec<Redir>),
    List(Vec<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Background(Box<Node>),
    Pipe(Vec<Node>),
    Loop {
        cond: Box<Node>,
        body: Box<Node>,
        until: bool,
    },
    If {
        cond: Box<Node>,
        then: Box<Node>,
        otherwise: Option<Box<Node>>,
    },
    For {
        items: Vec<String>,
        body: Box<Node>,
    },
    FuncDef(String, Box<Node>),
    Group(Box<Node>),
}

fn tokenize(src: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    macro_rules! flush {
        () => {
            if in_word {
                toks.push(Tok::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() && "\"\\$`".contains(chars[i + 1]) {
                        i += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
            }
            '\\' if i + 1 < chars.len() => {
                if chars[i + 1] != '\n' {
                    in_word = true;
                    word.push(chars[i + 1]);
                }
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ' ' | '\t' | '\r' => flush!(),
            '\n' => {
                flush!();
                toks.push(Tok::Op("\n"));
            }
            ';' => {
                flush!();
                toks.push(Tok::Op(";"));
            }
            '(' | ')' => {
                flush!();
                toks.push(Tok::Op(if c == '(' { "(" } else { ")" }));
            }
            '|' => {
                flush!();
                if chars.get(i + 1) == Some(&'|') {
                    i += 1;
                    toks.push(Tok::Op("||"));
                } else {
                    toks.push(Tok::Op("|"));
                }
            }
            '&' => {
                flush!();
                if chars.get(i + 1) == Some(&'&') {
                    i += 1;
                    toks.push(Tok::Op("&&"));
                } else if chars.get(i + 1) == Some(&'>') {
                    i += 1;
                    toks.push(Tok::Op(">"));
                } else {
                    toks.push(Tok::Op("&"));
                }
            }
            '>' | '<' => {
                // A bare fd number before the operator (2>, 1>>) belongs to the operator.
                let fd = in_word && word.chars().all(|d| d.is_ascii_digit());
                let err_only = fd && word == "2";
                if fd {
                    word.clear();
                    in_word = false;
                }
                flush!();
                let op = if c == '<' {
                    "<"
                } else if chars.get(i + 1) == Some(&'>') {
                    i += 1;
                    ">>"
                } else {
                    ">"
                };
                toks.push(Tok::Op(if err_only { "2>" } else { op }));
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
        i += 1;
    }
    if in_word {
        toks.push(Tok::Word(word));
    }
    toks
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self) -> Option<&str> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some(Tok::Op(o)) => Some(o),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek_op(), Some("\n" | ";")) {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), String> {
        self.skip_newlines();
        if self.peek_word() == Some(w) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("syntax error: expected '{w}'"))
        }
    }

    /// A list up to (not including) one of the terminator words or `)`.
    fn list(&mut self, terms: &[&str]) -> Result<Node, String> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match (self.peek_word(), self.peek_op()) {
                (None, None) => break,
                (Some(w), _) if terms.contains(&w) => break,
                (_, Some(")")) => break,
                _ => {}
            }
            let mut node = self.and_or(terms)?;
            if self.peek_op() == Some("&") {
                self.pos += 1;
                node = Node::Background(Box::new(node));
            }
            items.push(node);
        }
        Ok(Node::List(items))
    }

    fn and_or(&mut self, terms: &[&str]) -> Result<Node, String> {
        let mut left = self.pipeline(terms)?;
        while let Some(op @ ("&&" | "||")) = self.peek_op() {
            self.pos += 1;
            while self.peek_op() == Some("\n") {
                self.pos += 1;
            }
            let right = self.pipeline(terms)?;
            left = if op == "&&" {
                Node::And(Box::new(left), Box::new(right))
            } else {
                Node::Or(Box::new(left), Box::new(right))
            };
        }
        Ok(left)
    }

    fn pipeline(&mut self, terms: &[&str]) -> Result<Node, String> {
        let mut cmds = vec![self.command(terms)?];
        while self.peek_op() == Some("|") {
            self.pos += 1;
            cmds.push(self.command(terms)?);
        }
        Ok(if cmds.len() == 1 {
            cmds.pop().unwrap_or(Node::List(Vec::new()))
        } else {
            Node::Pipe(cmds)
        })
    }

    fn command(&mut self, terms: &[&str]) -> Result<Node, String> {
        match self.peek_word() {
            Some(kw @ ("while" | "until")) => {
                let until = kw == "until";
                self.pos += 1;
                let cond = self.list(&["do"])?;
                self.expect_word("do")?;
                let body = self.list(&["done"])?;
                self.expect_word("done")?;
                Ok(Node::Loop {
                    cond: Box::new(cond),
                    body: Box::new(body),
                    until,
                })
            }
            Some("if") => {
                self.pos += 1;
                self.if_rest()
            }
            Some("for") => {
                self.pos += 1;
                self.pos += 1; // the variable name
                let mut items = Vec::new();
                if self.peek_word() == Some("in") {
                    self.pos += 1;
                    while let Some(w) = self.peek_word() {
                        items.push(w.to_string());
                        self.pos += 1;
                    }
                }
                self.expect_word("do")?;
                let body = self.list(&["done"])?;
                self.expect_word("done")?;
                Ok(Node::For {
                    items,
                    body: Box::new(body),
                })
            }
            Some("{") => {
                self.pos += 1;
                let body = self.list(&["}"])?;
                self.expect_word("}")?;
                Ok(Node::Group(Box::new(body)))
            }
            _ if self.peek_op() == Some("(") => {
                self.pos += 1;
                let body = self.list(&[])?;
                if self.peek_op() != Some(")") {
                    return Err("syntax error: expected ')'".into());
                }
                self.pos += 1;
                Ok(Node::Group(Box::new(body)))
            }
            _ => {
                // Function definition: NAME ( ) { ... }
                if let (Some(name), Some(Tok::Op("(")), Some(Tok::Op(")"))) = (
                    self.peek_word().map(str::to_string),
                    self.toks.get(self.pos + 1),
                    self.toks.get(self.pos + 2),
                ) {
                    self.pos += 3;
                    self.skip_newlines();
                    let body = self.command(terms)?;
                    return Ok(Node::FuncDef(name, Box::new(body)));
                }
                let mut words = Vec::new();
                let mut redirs = Vec::new();
                loop {
                    match self.toks.get(self.pos) {
                        Some(Tok::Word(w)) => {
                            if words.is_empty() && terms.contains(&w.as_str()) {
                                break;
                            }
                            words.push(w.clone());
                            self.pos += 1;
                        }
                        Some(Tok::Op(op @ (">" | ">>" | "<" | "2>"))) => {
                            let op = *op;
                            self.pos += 1;
                            let target = match self.toks.get(self.pos) {
                                Some(Tok::Word(t)) => t.clone(),
                                _ => {
                                    return Err("syntax error: redirection without a target".into())
                                }
                            };
                            self.pos += 1;
                            redirs.push(match op {
                                ">" if !target.starts_with('&') && target != "/dev/null" => {
                                    Redir::Out(target)
                                }
                                ">>" if target != "/dev/null" => Redir::Append(target),
                                _ => Redir::Ignore,
                            });
                        }
                        _ => break,
                    }
                }
                Ok(Node::Simple(words, redirs))
            }
        }
    }

    fn if_rest(&mut self) -> Result<Node, String> {
        let cond = self.list(&["then"])?;
        self.expect_word("then")?;
        let then = self.list(&["else", "elif", "fi"])?;
        self.skip_newlines();
        let otherwise = match self.peek_word() {
            Some("else") => {
                self.pos += 1;
                let e = self.list(&["fi"])?;
                self.expect_word("fi")?;
                Some(Box::new(e))
            }
            Some("elif") => {
                self.pos += 1;
                Some(Box::new(self.if_rest()?))
            }
            _ => {
                self.expect_word("fi")?;
                None
            }
        };
        Ok(Node::If {
            cond: Box::new(cond),
            then: Box::new(then),
            otherwise,
        })
    }
}

fn parse(src: &str) -> Result<Node, String> {
    if src.len() > MAX_SCRIPT_BYTES {
        return Err("script too long".into());
    }
    let mut p = Parser {
        toks: tokenize(src),
        pos: 0,
    };
    let node = p.list(&[])?;
    if p.pos < p.toks.len() {
        return Err("syntax error: unexpected token".into());
    }
    Ok(node)
}

// ---------------------------------------------------------------- execution

/// A loop that repeats forever: (start, period, foreground sleeps within one period relative
/// to its start).
type Periodic = (Millis, Millis, Vec<(Millis, Millis)>);

/// A file-system change at a virtual time.
#[derive(Debug, Clone, PartialEq)]
pub enum FsOp {
    Write(String, String),
    Remove(String),
}

pub type Files = BTreeMap<String, String>;

/// A long-running server the script ends up running in the foreground (`exec nginx`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerStart {
    pub at: Millis,
    pub argv: Vec<String>,
}

enum Flow {
    Next,
    Break,
    Exit(i32),
    /// Runs forever from here (a periodic loop, `sleep infinity`, a server).
    Forever,
}

#[derive(Clone)]
struct Machine {
    t: Millis,
    files: Files,
    ops: Vec<(Millis, FsOp)>,
    out: String,
    status: i32,
    funcs: BTreeMap<String, Node>,
    trap: Option<Node>,
    bg_until: Millis,
    /// Foreground sleeps as (start, end): a SIGTERM trap runs only after the current one.
    sleeps: Vec<(Millis, Millis)>,
    /// A periodic tail: (start, period), with `sleeps` inside it relative to its start.
    periodic: Option<Periodic>,
    server: Option<ServerStart>,
    steps: u32,
    flavor: Flavor,
}

impl Machine {
    fn new(flavor: Flavor, files: Files) -> Self {
        Machine {
            t: 0,
            files,
            ops: Vec::new(),
            out: String::new(),
            status: 0,
            funcs: BTreeMap::new(),
            trap: None,
            bg_until: 0,
            sleeps: Vec::new(),
            periodic: None,
            server: None,
            steps: 0,
            flavor,
        }
    }

    fn write(&mut self, path: &str, content: String, append: bool) {
        let new = if append {
            format!(
                "{}{}",
                self.files.get(path).cloned().unwrap_or_default(),
                content
            )
        } else {
            content
        };
        self.files.insert(path.to_string(), new.clone());
        self.ops.push((self.t, FsOp::Write(path.to_string(), new)));
    }

    fn remove(&mut self, path: &str) -> bool {
        let existed = self.files.remove(path).is_some();
        // `rm -rf /tmp/dir` removes everything below too.
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let below: Vec<String> = self
            .files
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in &below {
            self.files.remove(k);
        }
        if existed || !below.is_empty() {
            self.ops.push((self.t, FsOp::Remove(path.to_string())));
        }
        existed || !below.is_empty()
    }

    fn exists(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.files.contains_key(path)
            || matches!(path, "/" | "/tmp" | "/etc" | "/bin" | "/dev/null" | "/proc")
            || self.files.keys().any(|k| k.starts_with(&prefix))
    }

    fn run(&mut self, node: &Node) -> Flow {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.t > HORIZON {
            return Flow::Forever;
        }
        match node {
            Node::List(items) => {
                for item in items {
                    match self.run(item) {
                        Flow::Next => {}
                        other => return other,
                    }
                }
                Flow::Next
            }
            Node::Group(inner) => self.run(inner),
            Node::And(a, b) => match self.run(a) {
                Flow::Next if self.status == 0 => self.run(b),
                other => other,
            },
            Node::Or(a, b) => match self.run(a) {
                Flow::Next if self.status != 0 => self.run(b),
                other => other,
            },
            Node::Pipe(cmds) => {
                // Output does not flow between commands in this model; time and status do.
                let mut flow = Flow::Next;
                for c in cmds {
                    flow = self.run(c);
                    if !matches!(flow, Flow::Next) {
                        break;
                    }
                }
                flow
            }
            Node::Background(inner) => {
                let mut bg = self.clone();
                bg.out.clear();
                bg.ops.clear();
                bg.sleeps.clear();
                let flow = bg.run(inner);
                let end = if matches!(flow, Flow::Forever) {
                    HORIZON
                } else {
                    bg.t
                };
                self.bg_until = self.bg_until.max(end).max(bg.bg_until);
                // Background writes land in the timeline at their own times.
                self.ops.extend(bg.ops);
                self.steps = bg.steps;
                self.status = 0;
                Flow::Next
            }
            Node::FuncDef(name, body) => {
                self.funcs.insert(name.clone(), (**body).clone());
                self.status = 0;
                Flow::Next
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => match self.run(cond) {
                Flow::Next if self.status == 0 => self.run(then),
                Flow::Next => match otherwise {
                    Some(o) => self.run(o),
                    None => {
                        self.status = 0;
                        Flow::Next
                    }
                },
                other => other,
            },
            Node::For { items, body } => {
                for _ in items {
                    match self.run(body) {
                        Flow::Next => {}
                        Flow::Break => break,
                        other => return other,
                    }
                }
                Flow::Next
            }
            Node::Loop { cond, body, until } => self.run_loop(cond, body, *until),
            Node::Simple(words, redirs) => self.simple(words, redirs),
        }
    }

    fn run_loop(&mut self, cond: &Node, body: &Node, until: bool) -> Flow {
        let mut previous: Option<(Files, Millis)> = None;
        loop {
            let start = self.t;
            let sleeps_before = self.sleeps.len();
            match self.run(cond) {
                Flow::Next => {}
                other => return other,
            }
            if (self.status == 0) == until {
                self.status = 0;
                return Flow::Next;
            }
            match self.run(body) {
                Flow::Next => {}
                Flow::Break => {
                    self.status = 0;
                    return Flow::Next;
                }
                other => return other,
            }
            let period = self.t - start;
            // Same files and same duration as the previous iteration: it will repeat forever.
            if let Some((files, prev_period)) = &previous {
                if *files == self.files && *prev_period == period {
                    let inner = self.sleeps[sleeps_before..]
                        .iter()
                        .map(|(a, b)| (a - start, b - start))
                        .collect();
                    self.sleeps.truncate(sleeps_before);
                    self.periodic = Some((start, period, inner));
                    return Flow::Forever;
                }
            }
            previous = Some((self.files.clone(), period));
            if self.steps > MAX_STEPS || self.t > HORIZON {
                return Flow::Forever;
            }
        }
    }

    fn simple(&mut self, words: &[String], redirs: &[Redir]) -> Flow {
        let Some(first) = words.first() else {
            self.status = 0;
            return Flow::Next;
        };
        // Variable assignments before (or without) a command are accepted and ignored.
        if first.contains('=') && !first.starts_with('=') && words.len() == 1 {
            self.status = 0;
            return Flow::Next;
        }
        let name = first.rsplit('/').next().unwrap_or(first).to_string();
        let args = &words[1..];
        let mut output = String::new();
        let flow = match name.as_str() {
            "exit" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse::<i32>().ok())
                    .unwrap_or(self.status);
                return Flow::Exit(code & 0xff);
            }
            "break" => return Flow::Break,
            "true" | ":" => {
                self.status = 0;
                Flow::Next
            }
            "false" => {
                self.status = 1;
                Flow::Next
            }
            "echo" => {
                let (newline, rest) = match args.first().map(String::as_str) {
                    Some("-n") => (false, &args[1..]),
                    _ => (true, args),
                };
                output = rest.join(" ");
                if newline {
                    output.push('\n');
                }
                self.status = 0;
                Flow::Next
            }
            "printf" => {
                output = args
                    .first()
                    .cloned()
                    .unwrap_or_default()
                    .replace("\\n", "\n");
                self.status = 0;
                Flow::Next
            }
            "touch" => {
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    if !self.files.contains_key(f) {
                        self.write(f, String::new(), false);
                    }
                }
                self.status = 0;
                Flow::Next
            }
            "rm" => {
                let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
                self.status = 0;
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    if !self.remove(f) && !force {
                        self.status = 1;
                        output.push_str(&match self.flavor {
                            Flavor::Busybox => {
                                format!("rm: can't remove '{f}': No such file or directory\n")
                            }
                            Flavor::Gnu => {
                                format!("rm: cannot remove '{f}': No such file or directory\n")
                            }
                        });
                    }
                }
                Flow::Next
            }
            "cat" => {
                self.status = 0;
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    match self.files.get(f) {
                        Some(content) => output.push_str(content),
                        None => {
                            self.status = 1;
                            output.push_str(&match self.flavor {
                                Flavor::Busybox => {
                                    format!("cat: can't open '{f}': No such file or directory\n")
                                }
                                Flavor::Gnu => format!("cat: {f}: No such file or directory\n"),
                            });
                        }
                    }
                }
                Flow::Next
            }
            "ls" | "stat" => {
                self.status = 0;
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    if self.exists(f) {
                        output.push_str(f);
                        output.push('\n');
                    } else {
                        self.status = if self.flavor == Flavor::Gnu { 2 } else { 1 };
                        output.push_str(&match self.flavor {
                            Flavor::Busybox => format!("{name}: {f}: No such file or directory\n"),
                            Flavor::Gnu => {
                                format!("{name}: cannot access '{f}': No such file or directory\n")
                            }
                        });
                    }
                }
                Flow::Next
            }
            "test" | "[" | "[[" => {
                let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
                if matches!(a.last(), Some(&"]") | Some(&"]]")) {
                    a.pop();
                }
                self.status = i32::from(!self.test(&a));
                Flow::Next
            }
            "sleep" => {
                let total: Option<Millis> = args.iter().map(|a| sleep_arg(a)).sum();
                match total {
                    Some(ms) => {
                        self.sleeps.push((self.t, self.t + ms));
                        self.t += ms;
                        self.status = 0;
                        Flow::Next
                    }
                    None => {
                        self.sleeps.push((self.t, HORIZON));
                        Flow::Forever
                    }
                }
            }
            "wait" => {
                self.t = self.t.max(self.bg_until);
                self.status = 0;
                Flow::Next
            }
            "trap" => {
                // trap HANDLER SIGTERM|TERM|15 ; only SIGTERM matters to the kubelet.
                if args.len() >= 2
                    && args[1..]
                        .iter()
                        .any(|s| matches!(s.as_str(), "SIGTERM" | "TERM" | "15"))
                {
                    self.trap = match args[0].as_str() {
                        "" | "-" => None,
                        handler => parse(handler).ok(),
                    };
                }
                self.status = 0;
                Flow::Next
            }
            "sh" | "bash" | "ash" | "dash" => {
                match args.iter().position(|a| a == "-c") {
                    Some(i) => match args.get(i + 1).map(|s| parse(s)) {
                        Some(Ok(script)) => {
                            let flow = self.run(&script);
                            match flow {
                                Flow::Exit(code) => {
                                    self.status = code;
                                    Flow::Next
                                }
                                Flow::Break => Flow::Next,
                                other => other,
                            }
                        }
                        Some(Err(e)) => {
                            output = format!("{name}: {e}\n");
                            self.status = 2;
                            Flow::Next
                        }
                        None => {
                            self.status = 2;
                            Flow::Next
                        }
                    },
                    // A shell without -c reads stdin; containers have none, so it exits at once.
                    None => {
                        self.status = 0;
                        Flow::Next
                    }
                }
            }
            "exec" => {
                let flow = self.simple(args, redirs);
                return match flow {
                    Flow::Next => Flow::Exit(self.status),
                    other => other,
                };
            }
            "tail" if args.iter().any(|a| a == "-f" || a == "-F") => Flow::Forever,
            "nginx" | "httpd" | "agnhost" | "httpd-foreground" | "python" | "python3" | "nc" => {
                self.server = Some(ServerStart {
                    at: self.t,
                    argv: words.to_vec(),
                });
                Flow::Forever
            }
            _ => {
                if let Some(body) = self.funcs.get(&name).cloned() {
                    let flow = self.run(&body);
                    return match flow {
                        Flow::Break => Flow::Next,
                        other => other,
                    };
                }
                // Commands this model does not know succeed at once (documented limitation).
                self.status = 0;
                Flow::Next
            }
        };
        self.emit(output, redirs);
        flow
    }

    fn emit(&mut self, output: String, redirs: &[Redir]) {
        match redirs.iter().rev().find(|r| !matches!(r, Redir::Ignore)) {
            Some(Redir::Out(path)) => self.write(path, output, false),
            Some(Redir::Append(path)) => self.write(path, output, true),
            _ => {
                if redirs.iter().any(|r| matches!(r, Redir::Ignore)) && output.is_empty() {
                    return;
                }
                if self.out.len() < 10 * 1024 {
                    self.out.push_str(&output);
                }
            }
        }
    }

    fn test(&self, a: &[&str]) -> bool {
        match a {
            ["!", rest @ ..] => !self.test(rest),
            [] => false,
            [s] => !s.is_empty(),
            ["-f" | "-e" | "-r" | "-s" | "-d", path] => self.exists(path),
            ["-n", s] => !s.is_empty(),
            ["-z", s] => s.is_empty(),
            [x, "=" | "==", y] => x == y,
            [x, "!=", y] => x != y,
            _ => false,
        }
    }
}

/// Does removing `removed` (recursively, like `rm -rf`) remove `path`?
fn removes(removed: &str, path: &str) -> bool {
    let dir = removed.trim_end_matches('/');
    path == removed || (path.starts_with(dir) && path[dir.len()..].starts_with('/'))
}

/// `cat`'s complaint about a missing file.
pub fn cat_missing(flavor: Flavor, file: &str) -> String {
    match flavor {
        Flavor::Busybox => format!("cat: can't open '{file}': No such file or directory\n"),
        Flavor::Gnu => format!("cat: {file}: No such file or directory\n"),
    }
}

/// `sleep` operands: seconds with optional fraction and s/m/h/d suffix; `infinity` is None.
fn sleep_arg(a: &str) -> Option<Millis> {
    if a == "infinity" || a == "inf" {
        return None;
    }
    let (num, scale) = match a.chars().last() {
        Some('s') => (&a[..a.len() - 1], 1.0),
        Some('m') => (&a[..a.len() - 1], 60.0),
        Some('h') => (&a[..a.len() - 1], 3600.0),
        Some('d') => (&a[..a.len() - 1], 86_400.0),
        _ => (a, 1.0),
    };
    let secs: f64 = num.parse().unwrap_or(0.0);
    let ms = secs * scale * 1000.0;
    if !ms.is_finite() || ms < 0.0 || ms >= HORIZON as f64 {
        return None;
    }
    Some(ms.round() as Millis)
}

// ---------------------------------------------------------------- programs and probes

/// How a container's main script behaves over its life.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    ops: Vec<(Millis, FsOp)>,
    /// Exit (uptime, code), or None when it runs forever.
    pub exit: Option<(Millis, i32)>,
    sleeps: Vec<(Millis, Millis)>,
    periodic: Option<Periodic>,
    trap: Option<Node>,
    funcs: BTreeMap<String, Node>,
    pub server: Option<ServerStart>,
    flavor: Flavor,
}

/// What a process did with SIGTERM.
#[derive(Debug, Clone, PartialEq)]
pub struct TrapRun {
    start: Millis,
    ops: Vec<(Millis, FsOp)>,
    pub exit: Option<(Millis, i32)>,
}

impl Script {
    /// Runs `argv` (the container's command + args) symbolically.
    pub fn run_main(argv: &[String], flavor: Flavor) -> Script {
        let mut m = Machine::new(flavor, Files::new());
        let flow = m.simple(argv, &[]);
        let exit = match flow {
            Flow::Next | Flow::Break => Some((m.t, m.status)),
            Flow::Exit(code) => Some((m.t, code)),
            Flow::Forever => None,
        };
        let mut ops = m.ops;
        ops.sort_by_key(|(t, _)| *t);
        Script {
            ops,
            exit,
            sleeps: m.sleeps,
            periodic: m.periodic,
            trap: m.trap,
            funcs: m.funcs,
            server: m.server,
            flavor,
        }
    }

    /// The files at `uptime`, given what a SIGTERM (if any) set off.
    pub fn files_at(&self, uptime: Millis, trap: Option<&TrapRun>) -> Files {
        let mut files = Files::new();
        let cut = trap.map(|t| t.start);
        let apply = |files: &mut Files, op: &FsOp| match op {
            FsOp::Write(p, c) => {
                files.insert(p.clone(), c.clone());
            }
            FsOp::Remove(p) => files.retain(|k, _| !removes(p, k)),
        };
        for (t, op) in &self.ops {
            if *t > uptime || cut.is_some_and(|c| *t > c) {
                break;
            }
            apply(&mut files, op);
        }
        if let Some(trap) = trap {
            for (t, op) in &trap.ops {
                if *t <= uptime {
                    apply(&mut files, op);
                }
            }
        }
        files
    }

    /// One file's content at `uptime` (what [`Script::files_at`] would hold for it).
    pub fn file_at(&self, uptime: Millis, trap: Option<&TrapRun>, path: &str) -> Option<String> {
        let cut = trap.map(|t| t.start);
        let main = self
            .ops
            .iter()
            .take_while(|(t, _)| *t <= uptime && cut.is_none_or(|c| *t <= c));
        let handler = trap
            .into_iter()
            .flat_map(|t| t.ops.iter())
            .filter(|(t, _)| *t <= uptime);
        let mut content: Option<&String> = None;
        for (_, op) in main.chain(handler) {
            match op {
                FsOp::Write(p, c) if p == path => content = Some(c),
                FsOp::Remove(p) if removes(p, path) => content = None,
                _ => {}
            }
        }
        content.cloned()
    }

    /// SIGTERM at `at`: a shell as PID 1 ignores it unless it trapped it (spec 36); a trap runs
    /// once the foreground command (usually a `sleep`) returns, as bash does.
    pub fn on_sigterm(&self, at: Millis) -> Option<TrapRun> {
        let handler = self.trap.as_ref()?;
        let start = self.foreground_until(at);
        let mut m = Machine::new(self.flavor, self.files_at(start, None));
        m.t = start;
        m.funcs = self.funcs.clone();
        let flow = m.run(handler);
        let exit = match flow {
            Flow::Exit(code) => Some((m.t, code)),
            _ => None,
        };
        Some(TrapRun {
            start,
            ops: m.ops,
            exit,
        })
    }

    fn foreground_until(&self, at: Millis) -> Millis {
        if let Some((_, end)) = self.sleeps.iter().find(|(s, e)| *s <= at && at < *e) {
            return *end;
        }
        if let Some((start, period, inner)) = &self.periodic {
            if at >= *start && *period > 0 {
                let base = at - (at - start) % period;
                if let Some((_, e)) = inner.iter().find(|(s, e)| base + s <= at && at < base + e) {
                    return base + e;
                }
            }
        }
        at
    }
}

/// The outcome of running a command in a container (an exec probe).
#[derive(Debug, Clone, PartialEq)]
pub struct ExecResult {
    pub exit_code: i32,
    pub output: String,
    /// How long until the command and anything holding its output ended (may be "forever").
    pub duration: Millis,
}

/// Runs an exec-probe command against a snapshot of the container's files.
pub fn exec(argv: &[String], files: Files, flavor: Flavor) -> ExecResult {
    let mut m = Machine::new(flavor, files);
    let flow = m.simple(argv, &[]);
    let (exit_code, ended) = match flow {
        Flow::Exit(code) => (code, m.t),
        Flow::Forever => (0, HORIZON),
        Flow::Next | Flow::Break => (m.status, m.t),
    };
    ExecResult {
        exit_code,
        output: m.out,
        // A background child keeps the exec's output open until it ends.
        duration: ended.max(m.bg_until),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn health_file_timeline() {
        let s = Script::run_main(
            &argv(&[
                "/bin/sh",
                "-c",
                "echo ok >/tmp/health; sleep 10; rm -rf /tmp/health; sleep 600",
            ]),
            Flavor::Busybox,
        );
        assert_eq!(s.exit, Some((610_000, 0)));
        assert_eq!(
            s.files_at(9_999, None)
                .get("/tmp/health")
                .map(String::as_str),
            Some("ok\n")
        );
        assert!(!s.files_at(10_000, None).contains_key("/tmp/health"));
        let probe = exec(
            &argv(&["cat", "/tmp/health"]),
            s.files_at(15_000, None),
            Flavor::Busybox,
        );
        assert_eq!(probe.exit_code, 1);
        assert_eq!(
            probe.output,
            "cat: can't open '/tmp/health': No such file or directory\n"
        );
        // PID 1 shell without a trap ignores SIGTERM.
        assert_eq!(s.on_sigterm(20_000), None);
    }

    #[test]
    fn trap_runs_after_the_current_sleep_in_a_loop() {
        let script = "\n_term() {\n\trm -f /tmp/ready\n\tsleep 30\n\texit 0\n}\ntrap _term SIGTERM\n\ntouch /tmp/ready\n\nwhile true; do\n  echo \\\"hello\\\"\n  sleep 10\ndone\n\t\t\t";
        let s = Script::run_main(&argv(&["/bin/bash", "-c", script]), Flavor::Gnu);
        assert_eq!(s.exit, None);
        assert!(s.files_at(100_000, None).contains_key("/tmp/ready"));
        let trap = s.on_sigterm(25_000).expect("trapped");
        assert_eq!(trap.start, 30_000);
        assert_eq!(trap.exit, Some((60_000, 0)));
        assert!(s.files_at(29_000, Some(&trap)).contains_key("/tmp/ready"));
        assert!(!s.files_at(30_000, Some(&trap)).contains_key("/tmp/ready"));
    }

    #[test]
    fn probe_commands() {
        let r = exec(
            &argv(&["/bin/sh", "-c", "sleep 10"]),
            Files::new(),
            Flavor::Busybox,
        );
        assert_eq!((r.exit_code, r.duration), (0, 10_000));
        let r = exec(
            &argv(&["/bin/sh", "-c", "sleep 10 & exit 1"]),
            Files::new(),
            Flavor::Busybox,
        );
        assert_eq!((r.exit_code, r.duration), (1, 10_000));
        assert_eq!(
            exec(&argv(&["/bin/false"]), Files::new(), Flavor::Busybox).exit_code,
            1
        );
        assert_eq!(
            exec(&argv(&["/bin/true"]), Files::new(), Flavor::Busybox).exit_code,
            0
        );
        let mut files = Files::new();
        files.insert("/tmp/x".into(), String::new());
        assert_eq!(
            exec(
                &argv(&["sh", "-c", "[ -f /tmp/x ] && exit 3"]),
                files.clone(),
                Flavor::Busybox
            )
            .exit_code,
            3
        );
        assert_eq!(
            exec(&argv(&["test", "-f", "/tmp/y"]), files, Flavor::Busybox).exit_code,
            1
        );
    }

    #[test]
    fn exits_and_defaults() {
        assert_eq!(
            Script::run_main(&argv(&["sh", "-c", "sleep 5; exit 3"]), Flavor::Busybox).exit,
            Some((5_000, 3))
        );
        assert_eq!(
            Script::run_main(&argv(&["sh"]), Flavor::Busybox).exit,
            Some((0, 0))
        );
        assert_eq!(
            Script::run_main(&argv(&["sleep", "infinity"]), Flavor::Busybox).exit,
            None
        );
        assert_eq!(
            Script::run_main(
                &argv(&["sh", "-c", "while true; do :; done"]),
                Flavor::Busybox
            )
            .exit,
            None
        );
        let s = Script::run_main(
            &argv(&["sh", "-c", "sleep 2; exec nginx -g 'daemon off;'"]),
            Flavor::Busybox,
        );
        assert_eq!(s.exit, None);
        assert_eq!(s.server.as_ref().map(|s| s.at), Some(2_000));
        // Bad syntax does not panic: the shell reports it and exits 2.
        assert_eq!(
            Script::run_main(&argv(&["sh", "-c", "if true; then"]), Flavor::Busybox).exit,
            Some((0, 2))
        );
    }
}
