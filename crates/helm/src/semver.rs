//! Semantic versions and constraints with Masterminds/semver v3's rules (Sprig's `semver`,
//! `semverCompare`, dependency version ranges, `kubeVersion`).

use std::cmp::Ordering;

/// A version: `1.2.3-rc.1+build`, leniently parsed (`v1`, `1.2` are accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
}

impl Version {
    /// Masterminds `NewVersion`.
    pub fn parse(s: &str) -> Option<Version> {
        let original = s.to_string();
        let t = s.strip_prefix('v').unwrap_or(s);
        let (t, metadata) = match t.split_once('+') {
            Some((a, b)) => (a, b.to_string()),
            None => (t, String::new()),
        };
        let (core, pre) = match t.split_once('-') {
            Some((a, b)) => (a, b.to_string()),
            None => (t, String::new()),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let num = |p: &str| -> Option<u64> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            if p.len() > 1 && p.starts_with('0') {
                return None;
            }
            p.parse().ok()
        };
        let major = num(parts[0])?;
        let minor = parts.get(1).map_or(Some(0), |p| num(p))?;
        let patch = parts.get(2).map_or(Some(0), |p| num(p))?;
        let ident_ok = |s: &str| {
            s.is_empty()
                || s.split('.').all(|i| {
                    !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        };
        if !ident_ok(&pre) || !ident_ok(&metadata) {
            return None;
        }
        if s.contains('-') && pre.is_empty() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original,
        })
    }

    pub fn compare(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| compare_pre(&self.pre, &o.pre))
    }

    /// `Major.Minor.Patch[-pre][+meta]`.
    pub fn canonical(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }
}

fn compare_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut ia = a.split('.');
    let mut ib = b.split('.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    _ => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Term {
    op: String,
    v: Version,
    /// How many of major/minor/patch were given (x wildcards count as missing).
    given: usize,
    has_pre: bool,
}

/// A constraint set: `||`-separated alternatives of comma/space-separated terms.
#[derive(Debug, Clone)]
pub struct Constraints {
    alternatives: Vec<Vec<Term>>,
}

impl Constraints {
    /// Masterminds `NewConstraint`; the error text is theirs.
    pub fn parse(s: &str) -> Result<Constraints, String> {
        let mut alternatives = Vec::new();
        for alt in s.split("||") {
            let alt = alt.trim();
            // hyphen ranges
            let mut terms = Vec::new();
            let toks = tokenize(alt);
            let mut i = 0;
            while i < toks.len() {
                if i + 2 < toks.len() && toks[i + 1] == "-" {
                    terms.push(parse_term(&format!(">={}", toks[i]), s)?);
                    terms.push(parse_term(&format!("<={}", toks[i + 2]), s)?);
                    i += 3;
                    continue;
                }
                terms.push(parse_term(&toks[i], s)?);
                i += 1;
            }
            if terms.is_empty() {
                return Err(format!("improper constraint: {s}"));
            }
            alternatives.push(terms);
        }
        Ok(Constraints { alternatives })
    }

    pub fn check(&self, v: &Version) -> bool {
        self.alternatives
            .iter()
            .any(|terms| terms.iter().all(|t| check_term(t, v)))
    }
}

fn tokenize(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(',') {
        let mut pending_op = String::new();
        for w in part.split_whitespace() {
            if w.chars().all(|c| "<>=!~^".contains(c)) && w != "-" {
                pending_op.push_str(w);
                continue;
            }
            out.push(format!("{pending_op}{w}"));
            pending_op.clear();
        }
    }
    out
}

fn parse_term(t: &str, whole: &str) -> Result<Term, String> {
    let op_len = t.find(|c: char| !"<>=!~^".contains(c)).unwrap_or(t.len());
    let (op, rest) = t.split_at(op_len);
    let op = op.to_string();
    if !matches!(
        op.as_str(),
        "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^"
    ) {
        return Err(format!("improper constraint: {whole}"));
    }
    let rest = rest.trim();
    let core = rest.strip_prefix('v').unwrap_or(rest);
    let (core_main, suffix) = match core.find(['-', '+']) {
        Some(i) => (&core[..i], &core[i..]),
        None => (core, ""),
    };
    let parts: Vec<&str> = if core_main.is_empty() {
        vec![]
    } else {
        core_main.split('.').collect()
    };
    let mut given = 0;
    let mut nums = [0u64; 3];
    for (i, p) in parts.iter().enumerate() {
        if i >= 3 {
            return Err(format!("improper constraint: {whole}"));
        }
        if matches!(*p, "x" | "X" | "*") {
            break;
        }
        nums[i] = p
            .parse()
            .map_err(|_| format!("improper constraint: {whole}"))?;
        given = i + 1;
    }
    if parts.is_empty() && rest != "*" && !rest.is_empty() {
        return Err(format!("improper constraint: {whole}"));
    }
    let vs = format!("{}.{}.{}{}", nums[0], nums[1], nums[2], suffix);
    let v = Version::parse(&vs).ok_or_else(|| format!("improper constraint: {whole}"))?;
    Ok(Term {
        has_pre: !v.pre.is_empty(),
        op,
        v,
        given,
    })
}

fn check_term(t: &Term, v: &Version) -> bool {
    // A prerelease version only satisfies terms that carry a prerelease themselves.
    if !v.pre.is_empty() && !t.has_pre {
        return false;
    }
    let c = v.compare(&t.v);
    let same_prefix = |n: usize| {
        (n < 1 || v.major == t.v.major)
            && (n < 2 || v.minor == t.v.minor)
            && (n < 3 || v.patch == t.v.patch)
    };
    match t.op.as_str() {
        "" | "=" => {
            if t.given < 3 {
                same_prefix(t.given)
            } else {
                c == Ordering::Equal
            }
        }
        "!=" => {
            if t.given < 3 {
                !same_prefix(t.given)
            } else {
                c != Ordering::Equal
            }
        }
        ">" => {
            if t.given < 3 && t.given > 0 {
                // >1.2 means >=1.3
                let bumped = match t.given {
                    1 => (t.v.major + 1, 0, 0),
                    _ => (t.v.major, t.v.minor + 1, 0),
                };
                (v.major, v.minor, v.patch) >= bumped
            } else {
                c == Ordering::Greater
            }
        }
        "<" => c == Ordering::Less,
        ">=" | "=>" => c != Ordering::Less,
        "<=" | "=<" => {
            if t.given < 3 {
                match t.given {
                    0 => true,
                    1 => v.major <= t.v.major,
                    _ => (v.major, v.minor) <= (t.v.major, t.v.minor),
                }
            } else {
                c != Ordering::Greater
            }
        }
        "~" | "~>" => {
            if c == Ordering::Less {
                return false;
            }
            if t.given <= 1 {
                v.major == t.v.major || t.given == 0
            } else {
                v.major == t.v.major && v.minor == t.v.minor
            }
        }
        "^" => {
            if c == Ordering::Less {
                return false;
            }
            if t.v.major > 0 || t.given <= 1 {
                v.major == t.v.major
            } else if t.v.minor > 0 || t.given == 2 {
                v.major == 0 && v.minor == t.v.minor
            } else {
                v.major == 0 && v.minor == 0 && v.patch == t.v.patch
            }
        }
        _ => false,
    }
}

/// Helm's `IsCompatibleRange`: whether `version` satisfies constraint `range`.
pub fn is_compatible_range(range: &str, version: &str) -> bool {
    let Some(v) = Version::parse(version) else {
        return false;
    };
    match Constraints::parse(range) {
        Ok(c) => c.check(&v),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap()
            .check(&Version::parse(v).unwrap())
    }

    #[test]
    fn constraints() {
        assert!(ok(">=1.19-0", "v1.36.0"));
        assert!(!ok(">=1.19", "1.19.0-beta.1"));
        assert!(ok(">=1.19-0", "1.19.0-beta.1"));
        assert!(ok("~1.2.3", "1.2.9"));
        assert!(!ok("~1.2.3", "1.3.0"));
        assert!(ok("^1.2.3", "1.9.0"));
        assert!(!ok("^0.2.3", "0.3.0"));
        assert!(ok("1.x", "1.4.0"));
        assert!(ok("*", "3.0.0"));
        assert!(ok(">1.0 <2.0 || 3.x", "3.1.0"));
        assert!(ok("1.0 - 2.0", "1.5.0"));
        assert!(ok("<=1.2", "1.2.7"));
        assert!(Constraints::parse("foo").is_err());
    }

    #[test]
    fn versions() {
        assert!(Version::parse("1.2.3-rc.1+b").is_some());
        assert!(Version::parse("v1.2").is_some());
        assert!(Version::parse("1.2.3.4").is_none());
        assert!(Version::parse("").is_none());
        assert_eq!(
            Version::parse("1.2.3-alpha")
                .unwrap()
                .compare(&Version::parse("1.2.3").unwrap()),
            Ordering::Less
        );
    }
}
