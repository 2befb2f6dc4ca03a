//! Evaluation of the rule language over a JSON object.
//!
//! Values are JSON values. Reading a field of something that has none gives `null` instead of
//! an error, so rules need no guards. `and`/`or` return an operand and only `null` and `false`
//! are false, which makes `c.message or "default"` work. `+` adds numbers, concatenates
//! lists and joins anything else as text. Values borrowed from the object stay borrowed;
//! only computed values are owned.

use super::syntax::{Expr, Stmt};
use crate::health::{Health, HealthStatus};
use serde_json::Value;
use std::borrow::Cow;

static NULL: Value = Value::Null;

type Val<'a> = Cow<'a, Value>;

const FUNCTIONS: &[&str] = &[
    "len",
    "str",
    "num",
    "lower",
    "upper",
    "trim",
    "startsWith",
    "endsWith",
    "contains",
    "join",
    "keys",
    "split",
    "default",
    "slice",
    "type",
    "replace",
];

pub(crate) fn is_function(name: &str) -> bool {
    FUNCTIONS.contains(&name)
}

/// What running statements led to: nothing yet, a result, or an explicit "no health".
pub(crate) enum Outcome {
    Continue,
    Done(Option<Health>),
}

/// Evaluation steps one rule may take. Rules always terminate, but nested loops over large
/// lists could still take long; past this budget the answer is Unknown.
const STEP_BUDGET: u64 = 1_000_000;

pub(crate) struct Env<'a, 'r> {
    obj: &'a Value,
    vars: Vec<(&'r str, Val<'a>)>,
    functions: &'r [Vec<Stmt>],
    steps: u64,
}

impl<'a, 'r> Env<'a, 'r> {
    pub(crate) fn new(obj: &'a Value, functions: &'r [Vec<Stmt>]) -> Self {
        Env {
            obj,
            vars: Vec::new(),
            functions,
            steps: 0,
        }
    }

    /// Counts a step; true once the budget is spent (then everything winds down quickly).
    fn tick(&mut self) -> bool {
        self.steps += 1;
        self.steps > STEP_BUDGET
    }

    fn exhausted(&self) -> bool {
        self.steps > STEP_BUDGET
    }

    fn over_budget() -> Outcome {
        Outcome::Done(Some(Health::new(
            HealthStatus::Unknown,
            "health rule exceeded its evaluation budget",
        )))
    }

    pub(crate) fn run(&mut self, body: &'r [Stmt]) -> Outcome {
        for stmt in body {
            if let Outcome::Done(h) = self.stmt(stmt) {
                return Outcome::Done(h);
            }
        }
        Outcome::Continue
    }

    fn stmt(&mut self, stmt: &'r Stmt) -> Outcome {
        if self.tick() {
            return Self::over_budget();
        }
        let outcome = self.stmt_inner(stmt);
        if self.exhausted() {
            return Self::over_budget();
        }
        outcome
    }

    fn stmt_inner(&mut self, stmt: &'r Stmt) -> Outcome {
        match stmt {
            Stmt::Result(status, message) => {
                let message = message
                    .as_ref()
                    .map(|m| to_text(&self.eval(m)))
                    .unwrap_or_default();
                Outcome::Done(Some(Health::new(*status, message)))
            }
            Stmt::Return(status, message) => {
                let status = self.eval(status);
                let message = message
                    .as_ref()
                    .map(|m| to_text(&self.eval(m)))
                    .unwrap_or_default();
                // Argo CD answers a script's unknown status word with this exact text.
                Outcome::Done(Some(match status.as_str().and_then(HealthStatus::parse) {
                    Some(status) => Health::new(status, message),
                    None => Health::new(
                        HealthStatus::Unknown,
                        "Lua returned an invalid health status",
                    ),
                }))
            }
            Stmt::NoHealth => Outcome::Done(None),
            Stmt::Let(name, e) => {
                let v = self.eval(e);
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = v,
                    None => self.vars.push((name, v)),
                }
                Outcome::Continue
            }
            Stmt::If(branches, otherwise) => {
                for (cond, body) in branches {
                    if truthy(&self.eval(cond)) {
                        return self.scoped(|env| env.run(body));
                    }
                }
                self.scoped(|env| env.run(otherwise))
            }
            Stmt::For(var, list, body) => {
                let list = self.eval(list);
                for item in elements(list) {
                    if self.exhausted() {
                        return Self::over_budget();
                    }
                    let outcome = self.scoped(|env| {
                        env.vars.push((var, item));
                        env.run(body)
                    });
                    if let Outcome::Done(h) = outcome {
                        return Outcome::Done(h);
                    }
                }
                Outcome::Continue
            }
            Stmt::Call(i) => {
                let functions = self.functions;
                // Runs inline: variables a `fn` sets are its results for the caller.
                match functions.get(*i) {
                    Some(body) => self.run(body),
                    None => Outcome::Continue,
                }
            }
        }
    }

    /// Runs `f`; variables first bound inside it are dropped afterwards.
    fn scoped<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let depth = self.vars.len();
        let out = f(self);
        self.vars.truncate(depth);
        out
    }

    fn eval(&mut self, e: &'r Expr) -> Val<'a> {
        if self.tick() {
            return Cow::Borrowed(&NULL);
        }
        match e {
            Expr::Lit(v) => Cow::Owned(v.clone()),
            Expr::Name(n) => {
                if let Some((_, v)) = self.vars.iter().rev().find(|(name, _)| name == n) {
                    return v.clone();
                }
                if n == "self" {
                    return Cow::Borrowed(self.obj);
                }
                Cow::Borrowed(self.obj.get(n.as_str()).unwrap_or(&NULL))
            }
            Expr::List(items) => Cow::Owned(Value::Array(
                items.iter().map(|i| self.eval(i).into_owned()).collect(),
            )),
            Expr::Field(target, name) => field(self.eval(target), name),
            Expr::Index(target, index) => {
                let target = self.eval(target);
                let index = self.eval(index);
                match index.as_ref() {
                    Value::String(s) => field(target, s),
                    Value::Number(n) => match n.as_i64() {
                        Some(i) => item(target, i),
                        None => Cow::Borrowed(&NULL),
                    },
                    _ => Cow::Borrowed(&NULL),
                }
            }
            Expr::Call(name, args) => {
                let args: Vec<Val<'a>> = args.iter().map(|a| self.eval(a)).collect();
                Cow::Owned(call(name, &args))
            }
            Expr::Macro(name, list, var, body) => {
                let list = self.eval(list);
                self.scoped(|env| env.apply_macro(name, list, var, body))
            }
            Expr::Not(e) => Cow::Owned(Value::Bool(!truthy(&self.eval(e)))),
            Expr::Neg(e) => Cow::Owned(match number(&self.eval(e)) {
                Some(n) => num_value(-n),
                None => Value::Null,
            }),
            Expr::Bin("and", l, r) => {
                let l = self.eval(l);
                if truthy(&l) {
                    self.eval(r)
                } else {
                    l
                }
            }
            Expr::Bin("or", l, r) => {
                let l = self.eval(l);
                if truthy(&l) {
                    l
                } else {
                    self.eval(r)
                }
            }
            Expr::Bin(op, l, r) => {
                let (l, r) = (self.eval(l), self.eval(r));
                Cow::Owned(binary(op, &l, &r))
            }
        }
    }

    fn apply_macro(&mut self, name: &str, list: Val<'a>, var: &'r str, body: &'r Expr) -> Val<'a> {
        if name == "sortBy" {
            return self.sort_by(list, var, body);
        }
        let slot = self.vars.len();
        self.vars.push((var, Cow::Borrowed(&NULL)));
        let mut kept = Vec::new();
        let mut count = 0;
        for item in elements(list) {
            if self.exhausted() {
                break;
            }
            self.vars[slot].1 = item.clone();
            let v = self.eval(body);
            let hit = truthy(&v);
            match name {
                "any" if hit => return Cow::Owned(Value::Bool(true)),
                "all" if !hit => return Cow::Owned(Value::Bool(false)),
                "find" if hit => return item,
                "filter" if hit => kept.push(item.into_owned()),
                "map" => kept.push(v.into_owned()),
                "count" if hit => count += 1,
                _ => {}
            }
        }
        Cow::Owned(match name {
            "any" => Value::Bool(false),
            "all" => Value::Bool(true),
            "count" => Value::from(count),
            "filter" | "map" => Value::Array(kept),
            _ => Value::Null,
        })
    }
}

impl<'a, 'r> Env<'a, 'r> {
    /// `list.sortBy(c, key)`: stable, ascending by key (numbers, or text), null keys last.
    fn sort_by(&mut self, list: Val<'a>, var: &'r str, body: &'r Expr) -> Val<'a> {
        let slot = self.vars.len();
        self.vars.push((var, Cow::Borrowed(&NULL)));
        let mut keyed: Vec<(Value, Value)> = Vec::new();
        for item in elements(list) {
            self.vars[slot].1 = item.clone();
            let key = self.eval(body).into_owned();
            keyed.push((key, item.into_owned()));
        }
        keyed.sort_by(|(a, _), (b, _)| match (a, b) {
            (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
            (Value::Null, _) => std::cmp::Ordering::Greater,
            (_, Value::Null) => std::cmp::Ordering::Less,
            (Value::Number(x), Value::Number(y)) => x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .unwrap_or(std::cmp::Ordering::Equal),
            _ => to_text(a).cmp(&to_text(b)),
        });
        Cow::Owned(Value::Array(keyed.into_iter().map(|(_, v)| v).collect()))
    }
}

/// Items of a list (or values of an object); nothing for anything else.
fn elements(v: Val<'_>) -> Vec<Val<'_>> {
    match v {
        Cow::Borrowed(Value::Array(a)) => a.iter().map(Cow::Borrowed).collect(),
        Cow::Borrowed(Value::Object(o)) => o.values().map(Cow::Borrowed).collect(),
        Cow::Owned(Value::Array(a)) => a.into_iter().map(Cow::Owned).collect(),
        Cow::Owned(Value::Object(o)) => o.into_iter().map(|(_, v)| Cow::Owned(v)).collect(),
        _ => Vec::new(),
    }
}

fn field<'a>(v: Val<'a>, name: &str) -> Val<'a> {
    match v {
        Cow::Borrowed(v) => Cow::Borrowed(v.get(name).unwrap_or(&NULL)),
        Cow::Owned(v) => Cow::Owned(v.get(name).cloned().unwrap_or(Value::Null)),
    }
}

/// List item by position; negative positions count from the end (-1 is the last).
fn item(v: Val<'_>, i: i64) -> Val<'_> {
    let len = v.as_array().map_or(0, Vec::len) as i64;
    let i = if i < 0 { len + i } else { i };
    if i < 0 || i >= len {
        return Cow::Borrowed(&NULL);
    }
    match v {
        Cow::Borrowed(v) => Cow::Borrowed(&v[i as usize]),
        Cow::Owned(v) => Cow::Owned(v[i as usize].clone()),
    }
}

pub(crate) fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// A number as JSON, integral values as integers so they print without a fraction.
fn num_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// Text of a value as a message shows it: strings bare, null empty, numbers like Lua prints them.
pub(crate) fn to_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => l == r,
    }
}

fn binary(op: &str, l: &Value, r: &Value) -> Value {
    match op {
        "==" => Value::Bool(equal(l, r)),
        "!=" => Value::Bool(!equal(l, r)),
        "<" | "<=" | ">" | ">=" => {
            let ord = match (l, r) {
                (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
                (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                _ => None,
            };
            let Some(ord) = ord else {
                return Value::Bool(false);
            };
            Value::Bool(match op {
                "<" => ord.is_lt(),
                "<=" => ord.is_le(),
                ">" => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        "in" => Value::Bool(match r {
            Value::Array(items) => items.iter().any(|i| equal(i, l)),
            Value::Object(map) => l.as_str().is_some_and(|k| map.contains_key(k)),
            Value::String(s) => l.as_str().is_some_and(|sub| s.contains(sub)),
            _ => false,
        }),
        "+" => match (l, r) {
            (Value::Array(a), Value::Array(b)) => {
                Value::Array(a.iter().chain(b).cloned().collect())
            }
            _ => match (number(l), number(r)) {
                (Some(a), Some(b)) => num_value(a + b),
                _ => Value::String(to_text(l) + &to_text(r)),
            },
        },
        _ => {
            let (Some(a), Some(b)) = (number(l), number(r)) else {
                return Value::Null;
            };
            match op {
                "-" => num_value(a - b),
                "*" => num_value(a * b),
                "/" if b != 0.0 => num_value(a / b),
                "%" if b != 0.0 => num_value(a % b),
                _ => Value::Null,
            }
        }
    }
}

fn call(name: &str, args: &[Val<'_>]) -> Value {
    let arg = |i: usize| args.get(i).map_or(&NULL, |v| v.as_ref());
    let text = |i: usize| to_text(arg(i));
    match name {
        "len" => match arg(0) {
            Value::Array(a) => Value::from(a.len()),
            Value::Object(o) => Value::from(o.len()),
            Value::String(s) => Value::from(s.chars().count()),
            _ => Value::from(0),
        },
        "str" => Value::String(text(0)),
        "num" => match arg(0) {
            Value::Number(_) => arg(0).clone(),
            Value::String(s) => s.trim().parse::<f64>().map_or(Value::Null, num_value),
            _ => Value::Null,
        },
        "lower" => Value::String(text(0).to_lowercase()),
        "upper" => Value::String(text(0).to_uppercase()),
        "trim" => Value::String(text(0).trim().to_string()),
        "startsWith" => Value::Bool(arg(0).is_string() && text(0).starts_with(&text(1))),
        "endsWith" => Value::Bool(arg(0).is_string() && text(0).ends_with(&text(1))),
        "contains" => binary("in", arg(1), arg(0)),
        "join" => {
            let parts: Vec<String> = match arg(0) {
                Value::Array(a) => a.iter().map(to_text).collect(),
                _ => Vec::new(),
            };
            Value::String(parts.join(&text(1)))
        }
        "keys" => match arg(0) {
            Value::Object(o) => Value::Array(o.keys().cloned().map(Value::String).collect()),
            _ => Value::Array(Vec::new()),
        },
        "split" => match arg(0) {
            Value::String(s) => {
                let sep = text(1);
                if sep.is_empty() {
                    Value::Array(vec![Value::String(s.clone())])
                } else {
                    Value::Array(
                        s.split(&sep)
                            .map(|p| Value::String(p.to_string()))
                            .collect(),
                    )
                }
            }
            _ => Value::Array(Vec::new()),
        },
        // `slice(s, from, to)`: characters from..to (0-based, `to` excluded, clamped).
        "slice" => {
            let s = text(0);
            let from = arg(1).as_i64().unwrap_or(0).max(0) as usize;
            let to = arg(2).as_i64().map_or(usize::MAX, |t| t.max(0) as usize);
            Value::String(s.chars().take(to).skip(from).collect())
        }
        // `replace(s, from, to)`: every occurrence (nothing to replace when `from` is empty).
        "replace" => {
            let (s, from) = (text(0), text(1));
            if from.is_empty() {
                Value::String(s)
            } else {
                Value::String(s.replace(&from, &text(2)))
            }
        }
        "type" => Value::String(
            match arg(0) {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "list",
                Value::Object(_) => "object",
            }
            .to_string(),
        ),
        // `default(x, d)`: d when x is null (unlike `or`, keeps false and 0).
        "default" => {
            if arg(0).is_null() {
                arg(1).clone()
            } else {
                arg(0).clone()
            }
        }
        _ => Value::Null,
    }
}
