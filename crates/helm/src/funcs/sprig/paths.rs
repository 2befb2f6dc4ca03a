//! Path functions (`base`, `dir`, `clean`, `ext`, `isAbs` and their `os` twins, which are the
//! same on the Unix systems Helm charts are rendered on).

use kubeplay_gotemplate::{ArgType, Func, Value};

use super::arg_str;

/// Go's `path.Clean`.
pub fn clean(p: &str) -> String {
    kubeplay_vfs::go_clean(p)
}

/// Go's `path.Base`.
pub fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Dir`.
pub fn dir(p: &str) -> String {
    let d = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    clean(d)
}

/// Go's `path.Ext`.
pub fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::String as Str;
    for (name, f) in [
        ("base", base as fn(&str) -> String),
        ("dir", dir),
        ("clean", clean),
        ("ext", ext),
        ("osBase", base),
        ("osDir", dir),
        ("osClean", clean),
        ("osExt", ext),
    ] {
        fs.push(Func::new(name, &[Str], None, move |_, a| {
            Ok(Value::from(f(&arg_str(&a[0]))))
        }));
    }
    for name in ["isAbs", "osIsAbs"] {
        fs.push(Func::new(name, &[Str], None, |_, a| {
            Ok(Value::Bool(arg_str(&a[0]).starts_with('/')))
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_paths() {
        assert_eq!(clean("a/../../b/./c/"), "../b/c");
        assert_eq!(base("/a/b.txt/"), "b.txt");
        assert_eq!(dir("a/b/c"), "a/b");
        assert_eq!(dir("c"), ".");
        assert_eq!(ext("a/b.tar.gz"), ".gz");
    }
}
