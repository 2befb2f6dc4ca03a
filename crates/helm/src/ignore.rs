//! `.helmignore` rules and the two glob dialects Helm uses: Go's `filepath.Match` (ignore
//! rules) and gobwas/glob with `/` as separator (`.Files.Glob`, where `**` crosses
//! directories).

/// Go's `path.Match`/`filepath.Match` on `/`-separated names. `Err` for a malformed pattern
/// (`syntax error in pattern`).
pub fn path_match(pattern: &str, name: &str) -> Result<bool, String> {
    glob_match(pattern.as_bytes(), name.as_bytes(), false)
}

/// gobwas/glob with separator `/`: `*` stays within a segment, `**` crosses them,
/// `{a,b}` alternatives.
pub fn files_glob(pattern: &str, name: &str) -> bool {
    // Expand {a,b} alternatives first.
    if let Some(open) = pattern.find('{') {
        if let Some(close_rel) = pattern[open..].find('}') {
            let close = open + close_rel;
            let (pre, alts, post) = (
                &pattern[..open],
                &pattern[open + 1..close],
                &pattern[close + 1..],
            );
            return alts
                .split(',')
                .any(|a| files_glob(&format!("{pre}{a}{post}"), name));
        }
    }
    glob_match(pattern.as_bytes(), name.as_bytes(), true).unwrap_or(false)
}

fn glob_match(p: &[u8], n: &[u8], double_star: bool) -> Result<bool, String> {
    let mut pi = 0;
    let mut ni = 0;
    // Backtracking points for the last `*` (single) seen.
    let mut star: Option<(usize, usize, bool)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    let dbl = double_star && p.get(pi + 1) == Some(&b'*');
                    pi += if dbl { 2 } else { 1 };
                    star = Some((pi, ni, dbl));
                    continue;
                }
                b'?' => {
                    if ni < n.len() && n[ni] != b'/' {
                        let l = utf8_len(n[ni]);
                        pi += 1;
                        ni += l;
                        continue;
                    }
                }
                b'[' => {
                    if ni < n.len() && n[ni] != b'/' {
                        let (ok, next) = class_match(p, pi, n, ni)?;
                        if ok {
                            pi = next;
                            ni += utf8_len(n[ni]);
                            continue;
                        }
                    } else {
                        // still validate the class
                        class_match(p, pi, b"a", 0)?;
                    }
                }
                b'\\' => {
                    if pi + 1 >= p.len() {
                        return Err("syntax error in pattern".into());
                    }
                    if ni < n.len() && n[ni] == p[pi + 1] {
                        pi += 2;
                        ni += 1;
                        continue;
                    }
                }
                c => {
                    if ni < n.len() && n[ni] == c {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
            }
        } else if ni == n.len() {
            return Ok(true);
        }
        // mismatch: backtrack
        match star {
            Some((sp, sn, dbl)) if sn < n.len() && (dbl || n[sn] != b'/') => {
                star = Some((sp, sn + 1, dbl));
                pi = sp;
                ni = sn + 1;
            }
            _ => {
                // validate rest of pattern for syntax errors like Go does
                if !double_star {
                    validate(&p[pi.min(p.len())..])?;
                }
                return Ok(false);
            }
        }
    }
}

fn validate(p: &[u8]) -> Result<(), String> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => {
                if i + 1 >= p.len() {
                    return Err("syntax error in pattern".into());
                }
                i += 2;
            }
            b'[' => {
                let (_, next) = class_match(p, i, b"a", 0)?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Matches a `[...]` class at `p[pi]` against the char at `n[ni]`; returns (matched, index
/// after the class).
fn class_match(p: &[u8], pi: usize, n: &[u8], ni: usize) -> Result<(bool, usize), String> {
    let err = || "syntax error in pattern".to_string();
    let c = decode(n, ni).0;
    let mut i = pi + 1;
    let negate = matches!(p.get(i), Some(b'^') | Some(b'!'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        if i >= p.len() {
            return Err(err());
        }
        if p[i] == b']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, l1) = class_char(p, i)?;
        i += l1;
        let mut hi = lo;
        if p.get(i) == Some(&b'-') && p.get(i + 1).is_some_and(|&b| b != b']') {
            let (h, l2) = class_char(p, i + 1)?;
            hi = h;
            i += 1 + l2;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    Ok((matched != negate, i))
}

fn class_char(p: &[u8], i: usize) -> Result<(char, usize), String> {
    if p[i] == b'\\' {
        if i + 1 >= p.len() {
            return Err("syntax error in pattern".into());
        }
        let (c, l) = decode(p, i + 1);
        return Ok((c, l + 1));
    }
    Ok(decode(p, i))
}

fn decode(b: &[u8], i: usize) -> (char, usize) {
    let l = utf8_len(b[i]).min(b.len() - i);
    let c = std::str::from_utf8(&b[i..i + l])
        .ok()
        .and_then(|s| s.chars().next())
        .unwrap_or('\u{FFFD}');
    (c, l)
}

/// Parsed `.helmignore` rules.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    kind: PatternKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PatternKind {
    /// Leading `/`: matched against the whole path.
    Rooted,
    /// Contains `/`: matched against the whole path.
    Path,
    /// Matched against the base name.
    Base,
}

impl Rules {
    /// Parses a `.helmignore` file.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut r = Rules::default();
        for line in text.lines() {
            r.add(line)?;
        }
        Ok(r)
    }

    /// Helm's default rule: hidden files under `templates/` are never templates.
    pub fn add_defaults(&mut self) {
        let _ = self.add("templates/.?*");
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let mut rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        path_match(rule, "abc")?;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let (kind, rule) = if let Some(r) = rule.strip_prefix('/') {
            (PatternKind::Rooted, r)
        } else if rule.contains('/') {
            (PatternKind::Path, rule)
        } else {
            (PatternKind::Base, rule)
        };
        self.patterns.push(Pattern {
            rule: rule.to_string(),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether `path` (relative, `/`-separated) is ignored. Negated rules behave as in Helm:
    /// a path that does not match a `!rule` is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            let target = match p.kind {
                PatternKind::Base => path.rsplit('/').next().unwrap_or(path),
                _ => path,
            };
            let m = path_match(&p.rule, target).unwrap_or(false);
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !m {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if m {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_match() {
        assert!(path_match("*.txt", "a.txt").unwrap());
        assert!(!path_match("*.txt", "d/a.txt").unwrap());
        assert!(path_match("templates/.?*", "templates/.hidden").unwrap());
        assert!(!path_match("templates/.?*", "templates/x.yaml").unwrap());
        assert!(path_match("[a-c]?", "bz").unwrap());
        assert!(path_match("[!a-c]?", "dz").unwrap());
        assert!(path_match("[", "a").is_err());
    }

    #[test]
    fn gobwas_glob() {
        assert!(files_glob("files/*.conf", "files/a.conf"));
        assert!(!files_glob("files/*.conf", "files/x/a.conf"));
        assert!(files_glob("files/**.conf", "files/x/a.conf"));
        assert!(files_glob("**.{yaml,json}", "a/b.json"));
    }

    #[test]
    fn helmignore_rules() {
        let mut r = Rules::parse("# c\n*.bak\n/secret.txt\ndocs/\n").unwrap();
        r.add_defaults();
        assert!(r.ignore("x/y.bak", false));
        assert!(r.ignore("secret.txt", false));
        assert!(r.ignore("docs", true));
        assert!(!r.ignore("docs", false));
        assert!(r.ignore("templates/.x", false));
        assert!(!r.ignore("templates/x.yaml", false));
        assert!(Rules::parse("a/**/b").is_err());
    }
}
