//! Compiled regular expressions, kept per thread by pattern.
//!
//! Image names and target selectors are regular expressions; compiling one costs about as
//! much as building a small kustomization, and the page rebuilds the same kustomization
//! on every keystroke, so the patterns are compiled once.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

/// Patterns kept at most; the cache starts over when full (a build uses a handful).
const MAX_PATTERNS: usize = 256;

thread_local! {
    static CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// `Regex::new(pattern)`, compiled once per thread.
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = Regex::new(pattern)?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_PATTERNS {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_once_and_stays_bounded() {
        let a = compile("^a+$").unwrap();
        assert!(a.is_match("aaa"));
        assert!(compile("(").is_err(), "errors are not cached as matches");
        for i in 0..MAX_PATTERNS + 10 {
            compile(&format!("^x{i}$")).unwrap();
        }
        assert!(CACHE.with(|c| c.borrow().len()) <= MAX_PATTERNS);
        assert!(compile("^a+$").unwrap().is_match("a"));
    }
}
