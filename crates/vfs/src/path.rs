//! Lexical path handling for the tree: absolute, `/`-separated, no trailing slash.

/// Normalises `path` to an absolute path: collapses `//`, resolves `.` and `..` (a `..` above
/// the root stays at the root) and drops a trailing `/`. A relative path is taken from `/`.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        let mut out = String::with_capacity(path.len() + 1);
        for part in parts {
            out.push('/');
            out.push_str(part);
        }
        out
    }
}

/// Go's `path.Clean`: like [`normalize`] for rooted paths, but a relative path stays relative
/// (`..` above its start is kept) and the empty path is `.`. Helm's `clean` and kustomize's
/// file-path insertion both print it.
pub fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// Joins `rel` onto the directory `base` (an absolute `rel` replaces it) and normalises.
pub fn join(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        normalize(rel)
    } else {
        normalize(&format!("{base}/{rel}"))
    }
}

/// The directory holding `path` (`/` for the root and for top-level entries).
pub fn parent(path: &str) -> String {
    let path = normalize(path);
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    }
}

/// The last component of `path` (empty for the root).
pub fn file_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots_and_slashes() {
        assert_eq!(normalize("/a//b/./c/"), "/a/b/c");
        assert_eq!(normalize("a/b/../c"), "/a/c");
        assert_eq!(normalize("/../../x"), "/x");
        assert_eq!(normalize(""), "/");
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn join_and_parent() {
        assert_eq!(join("/app/overlay", "../base"), "/app/base");
        assert_eq!(join("/app", "/etc/x"), "/etc/x");
        assert_eq!(parent("/app/base/k.yaml"), "/app/base");
        assert_eq!(parent("/k.yaml"), "/");
        assert_eq!(parent("/"), "/");
        assert_eq!(file_name("/app/base/k.yaml"), "k.yaml");
        assert_eq!(file_name("/"), "");
    }
}
