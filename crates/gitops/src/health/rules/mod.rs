//! Health rules for custom resources: a small declarative language instead of Lua.
//!
//! Argo CD runs a Lua script per group/kind. A browser app has no Lua, and an interpreter for
//! a general-purpose language would be large and could loop forever. These rules say what the
//! scripts say in a form made for it: walk fields and conditions, compare, answer a status and
//! a message. The language has no recursion and only loops over the object's own lists, so
//! every rule terminates; a missing field reads as `null` instead of failing. Syntax in
//! `syntax.rs`; the rules Argo CD bundles are rewritten in `bundled/`, one file per API group
//! (small operators share `misc-operators.rules`). Users add rules the same way through
//! [`crate::health::Assessor::with_rules`]; theirs win over bundled ones for the kinds they
//! name, exact group/kind targets win over wildcard ones.
//!
//! ```text
//! health example.com/Widget {
//!   for c in status.conditions {
//!     if c.type == "Ready" and c.status == "True" { Healthy c.message }
//!   }
//!   Progressing "Waiting for the widget"
//! }
//! ```

mod eval;
mod syntax;

use crate::health::Health;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// A syntax error in a rule file, with a 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for RuleError {}

/// One `health` block: the group/kind patterns it answers for and its body.
#[derive(Debug, Clone)]
pub struct Rule {
    targets: Vec<Target>,
    file: Arc<syntax::Parsed>,
    index: usize,
}

impl Rule {
    /// The rule's answer: `None` when it gives no health (falls through to built-in checks).
    pub fn evaluate(&self, obj: &Value) -> Option<Health> {
        let body = &self.file.rules[self.index].1;
        match eval::Env::new(obj, &self.file.functions).run(body) {
            eval::Outcome::Done(health) => health,
            eval::Outcome::Continue => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Target {
    group: String,
    kind: String,
}

impl Target {
    fn parse(text: &str) -> Target {
        let (group, kind) = text.split_once('/').unwrap_or(("", text));
        let group = if group == "core" { "" } else { group };
        Target {
            group: group.to_string(),
            kind: kind.to_string(),
        }
    }

    fn is_wildcard(&self) -> bool {
        self.group.contains('*') || self.kind.contains('*')
    }

    fn matches(&self, group: &str, kind: &str) -> bool {
        glob(&self.group, group) && glob(&self.kind, kind)
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(text) = text.strip_prefix(head) else {
                return false;
            };
            (0..=text.len())
                .filter(|i| text.is_char_boundary(*i))
                .any(|i| glob(rest, &text[i..]))
        }
    }
}

/// An ordered collection of rules. Exact group/kind targets win over wildcards; among equals
/// the first rule wins.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// group -> kind of exact targets -> first rule naming it; looked up once per object,
    /// by borrowed strings (a comparison assesses hundreds of objects).
    exact: HashMap<String, HashMap<String, usize>>,
    /// Rules with at least one wildcard target, in order.
    wildcards: Vec<usize>,
}

impl RuleSet {
    /// Parses rule source text (a whole file).
    pub fn parse(src: &str) -> Result<RuleSet, RuleError> {
        let file = Arc::new(syntax::parse(src)?);
        let mut set = RuleSet::default();
        for index in 0..file.rules.len() {
            let targets = file.rules[index].0.iter().map(|t| Target::parse(t));
            set.push(Rule {
                targets: targets.collect(),
                file: Arc::clone(&file),
                index,
            });
        }
        Ok(set)
    }

    pub fn extend(&mut self, other: RuleSet) {
        for rule in other.rules {
            self.push(rule);
        }
    }

    fn push(&mut self, rule: Rule) {
        let at = self.rules.len();
        for t in &rule.targets {
            if t.is_wildcard() {
                if self.wildcards.last() != Some(&at) {
                    self.wildcards.push(at);
                }
            } else {
                self.exact
                    .entry(t.group.clone())
                    .or_default()
                    .entry(t.kind.clone())
                    .or_insert(at);
            }
        }
        self.rules.push(rule);
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule for a group/kind (core group is "").
    pub fn find(&self, group: &str, kind: &str) -> Option<&Rule> {
        let exact = self.exact.get(group).and_then(|kinds| kinds.get(kind));
        let index = exact.copied().or_else(|| {
            self.wildcards.iter().copied().find(|&i| {
                self.rules[i]
                    .targets
                    .iter()
                    .any(|t| t.is_wildcard() && t.matches(group, kind))
            })
        })?;
        self.rules.get(index)
    }
}

/// Bundled rule files: (file name, source).
const BUNDLED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));

/// The bundled rules, parsed once per process.
pub fn bundled() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(parse_bundled_files)
}

/// Parses every bundled rule file. A file that fails to parse is left out (a unit test keeps
/// them all parsing), so a bad file can never take the engine down.
pub fn parse_bundled_files() -> RuleSet {
    let mut set = RuleSet::default();
    for (_, src) in BUNDLED {
        if let Ok(rules) = RuleSet::parse(src) {
            set.extend(rules);
        }
    }
    set
}

#[cfg(test)]
mod tests;
