//! A Go `text/template` engine in Rust, faithful to Go's output and error
//! messages, for rendering Helm charts in the browser (no I/O; builds for
//! `wasm32-unknown-unknown`).
//!
//! ```
//! use kubeplay_gotemplate::{Templates, Value};
//!
//! let mut t = Templates::new("greeting");
//! t.parse("greeting", r#"{{ range $i, $n := .names }}{{ if $i }}, {{ end }}{{ printf "%q" $n }}{{ end }}"#)
//!     .unwrap();
//! let data = Value::map([("names", Value::list(vec!["a".into(), "b".into()]))]);
//! assert_eq!(t.execute("greeting", &data).unwrap(), r#""a", "b""#);
//! ```
//!
//! # Model
//!
//! * [`Templates`] is Go's template set: every [`Templates::parse`] adds a
//!   named template and the ones it `define`s; [`Templates::execute`] runs one.
//! * [`Value`] stands for Go's `interface{}` data. Numbers keep their Go type
//!   (`int`, `int64`, `float64`...) because printing and comparison depend on
//!   it: Helm's values come from JSON, so they are [`Value::Float`] and
//!   `1000000` prints `1e+06`, as in Helm. Strings are Go byte strings
//!   ([`GoStr`]). Lists and maps carry their element type (`[]interface {}`
//!   unless said otherwise); maps iterate in key order.
//! * [`Object`] lets a host expose Go structs with fields and methods
//!   (Helm's `.Chart`, `.Capabilities.APIVersions.Has`, `.Files.Get`), and
//!   named slice/map types with methods through [`Object::value`].
//! * [`Func`] registers functions with Go parameter types ([`ArgType`]), so
//!   argument errors read as Go's. A function gets a [`Context`] that can
//!   execute another template of the running set or parse and run a text
//!   in a copy of it: that is what Helm's `include` and `tpl` need. A
//!   returned [`FuncError`] stops execution with
//!   `template: NAME:LINE:COL: executing "NAME" at <CMD>: error calling FUNC: MSG`.
//! * [`Error`] prints Go's exact message and exposes its parts.
//! * [`Limits`] bound template depth, recursion nesting, native stack use,
//!   evaluation steps and output size (also of strings built in variables),
//!   so no template can crash or hang the page; parsing is bounded too
//!   ([`MAX_PARSE_DEPTH`] and the stack budget).
//!
//! # For Helm
//!
//! Helm executes with `missingkey=zero` ([`MissingKey::Zero`]), replaces
//! `<no value>` in each rendered file by the empty string, and rewords some
//! errors (`parse error at (...)`, `execution error at (...)` for
//! `required`/`fail`); those steps belong to the Helm engine, as do Sprig and
//! Helm's own functions.

mod ast;
mod compare;
mod error;
mod exec;
pub mod fmt;
mod funcs;
mod lex;
mod limits;
mod names;
mod parse;
pub mod strconv;
mod value;

use std::sync::Arc;

pub use error::{Error, ErrorData, ErrorKind, FuncError};
pub use exec::Context;
pub use funcs::{ArgType, Func, FuncMap, HostFn};
pub use limits::Limits;
pub use parse::MAX_PARSE_DEPTH;
pub use value::{ElemType, GoStr, List, Map, Object, SortedMap, Value};

/// Go's `missingkey` option: what a missing map key evaluates to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` (or `invalid`): no value, printed `<no value>`.
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type (for
    /// `map[string]interface {}` a nil interface, still printed `<no value>`,
    /// but a field access on it is a nil-pointer error). Helm uses this.
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key`.
    Error,
}

/// A set of named templates sharing functions and options (Go's
/// `*template.Template` with its associated templates). Cloning is cheap:
/// parsed trees and functions are shared.
#[derive(Clone)]
pub struct Templates {
    name: String,
    trees: names::NameTable<Arc<ast::Tree>>,
    /// Go's builtins and the host's functions in one table (a host function replaces the
    /// builtin of its name, as Go's lookup finds it first): one lookup per name.
    funcs: FuncMap,
    missing_key: MissingKey,
    limits: Limits,
}

/// The templates one text defines (itself and its `define`s), parsed by
/// [`Templates::parse_text`] and shared by every set they are added to.
#[derive(Clone, Debug)]
pub struct ParsedText {
    trees: Vec<Arc<ast::Tree>>,
}

/// Go's builtins, built once and shared by every set until it adds a function.
fn builtin_funcs() -> FuncMap {
    static BUILTINS: std::sync::OnceLock<FuncMap> = std::sync::OnceLock::new();
    BUILTINS.get_or_init(funcs::builtins::builtins).clone()
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("name", &self.name)
            .field("templates", &self.template_names())
            .field("missing_key", &self.missing_key)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Templates {
    /// An empty set whose main template is called `name` (used in some
    /// error messages, as Go's `template.New(name)`).
    pub fn new(name: &str) -> Templates {
        Templates {
            name: name.to_string(),
            trees: names::NameTable::default(),
            funcs: builtin_funcs(),
            missing_key: MissingKey::Default,
            limits: Limits::default(),
        }
    }

    /// The set's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Add (or replace) a function; it shadows a builtin of the same name,
    /// as in Go. Functions must be added before parsing templates using them.
    pub fn add_func(&mut self, f: Func) -> &mut Self {
        self.funcs.insert(f);
        self
    }

    /// Set the `missingkey` option.
    pub fn missing_key(&mut self, m: MissingKey) -> &mut Self {
        self.missing_key = m;
        self
    }

    /// Parse Go's option string: `missingkey=default|invalid|zero|error`.
    pub fn option(&mut self, opt: &str) -> Result<&mut Self, Error> {
        let m = match opt {
            "missingkey=default" | "missingkey=invalid" => MissingKey::Default,
            "missingkey=zero" => MissingKey::Zero,
            "missingkey=error" => MissingKey::Error,
            _ => return Err(Error::other(format!("unrecognized option: {opt}"))),
        };
        self.missing_key = m;
        Ok(self)
    }

    /// Set the execution limits.
    pub fn limits(&mut self, l: Limits) -> &mut Self {
        self.limits = l;
        self
    }

    pub(crate) fn lookup_func(&self, name: &str) -> Option<&Arc<Func>> {
        self.funcs.get(name)
    }

    /// Parse `text` as the template `name`, adding it and every template it
    /// `define`s to the set. A definition replaces an earlier one of the same
    /// name unless it is empty (Go's `AddParseTree` rule).
    pub fn parse(&mut self, name: &str, text: &str) -> Result<&mut Self, Error> {
        let parsed = self.parse_text(name, text)?;
        Ok(self.add_parsed(&parsed))
    }

    /// Parse `text` as the template `name` without adding it: the trees
    /// depend only on the name, the text, the set's function names and its
    /// stack limit, so a host that renders again can keep them and add them
    /// to a later set with the same functions and limits. The trees keep the
    /// text: a host that holds it as an `Arc<str>` shares it instead of a copy.
    pub fn parse_text(&self, name: &str, text: impl Into<Arc<str>>) -> Result<ParsedText, Error> {
        let trees = parse::parse(name, text.into(), &self.funcs, self.limits.max_stack)?;
        Ok(ParsedText {
            trees: trees.into_iter().map(Arc::new).collect(),
        })
    }

    /// Add the trees of one parsed text, as [`Templates::parse`] does.
    pub fn add_parsed(&mut self, parsed: &ParsedText) -> &mut Self {
        for t in &parsed.trees {
            let keep_old = t.is_empty() && self.trees.contains_key(&t.name);
            if !keep_old {
                self.trees.insert(t.name.clone(), t.clone());
            }
        }
        self
    }

    /// Whether a template of that name is defined.
    pub fn has_template(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// Names of the defined templates, sorted.
    pub fn template_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.trees.names().map(String::from).collect();
        v.sort();
        v
    }

    /// The template of that name, or Go's error for a missing one.
    pub(crate) fn named_tree(&self, name: &str) -> Result<&Arc<ast::Tree>, Error> {
        self.trees.get(name).ok_or_else(|| {
            Error::other(format!(
                "template: no template {} associated with template {}",
                strconv::quote(name),
                strconv::quote(&self.name)
            ))
        })
    }

    /// Execute the named template with `data` as dot and `$`. Bytes that are
    /// not UTF-8 (from binary strings) are replaced by U+FFFD; see
    /// [`Templates::execute_bytes`].
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        self.execute_bytes(name, data).map(exec::lossy)
    }

    /// Execute the named template, returning the exact output bytes.
    pub fn execute_bytes(&self, name: &str, data: &Value) -> Result<Vec<u8>, Error> {
        let tree = self.named_tree(name)?;
        let mut budget = limits::Budget::new(self.limits);
        exec::execute_tree(self, tree, data, &mut budget, 0)
    }
}
