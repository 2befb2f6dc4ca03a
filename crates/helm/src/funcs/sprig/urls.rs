//! `urlParse` and `urlJoin` (Go's net/url, for the common URL shapes).

use kubeplay_gotemplate::{ArgType, Func, FuncError, SortedMap, Value};

use super::arg_str;
use crate::funcs::dictvalue::{entries, MutMap};
use crate::funcs::strval;

pub fn register(fs: &mut Vec<Func>) {
    fs.push(Func::new("urlParse", &[ArgType::String], None, |_, a| {
        let s = arg_str(&a[0]);
        let (rest, fragment) = match s.split_once('#') {
            Some((r, f)) => (r.to_string(), f.to_string()),
            None => (s.clone(), String::new()),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r.to_string(), q.to_string()),
            None => (rest, String::new()),
        };
        let (scheme, rest) = match rest.split_once("://") {
            Some((sc, r))
                if !sc.is_empty()
                    && sc
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                (sc.to_string(), format!("//{r}"))
            }
            _ => match rest.split_once(':') {
                Some((sc, r))
                    if !sc.is_empty()
                        && !sc.contains('/')
                        && sc.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) =>
                {
                    (sc.to_string(), r.to_string())
                }
                _ => (String::new(), rest),
            },
        };
        let (authority, path) = match rest.strip_prefix("//") {
            Some(r) => match r.find('/') {
                Some(i) => (r[..i].to_string(), r[i..].to_string()),
                None => (r.to_string(), String::new()),
            },
            None => (String::new(), rest),
        };
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (u.to_string(), h.to_string()),
            None => (String::new(), authority),
        };
        let hostname = if host.starts_with('[') {
            host.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .to_string()
        } else {
            host.split(':').next().unwrap_or("").to_string()
        };
        Ok(MutMap::value(SortedMap::from([
            ("scheme".to_string(), Value::from(scheme)),
            ("host".to_string(), Value::from(host)),
            ("hostname".to_string(), Value::from(hostname)),
            ("path".to_string(), Value::from(path)),
            ("query".to_string(), Value::from(query)),
            ("opaque".to_string(), Value::from(String::new())),
            ("fragment".to_string(), Value::from(fragment)),
            ("userinfo".to_string(), Value::from(userinfo)),
        ])))
    }));
    fs.push(Func::new("urlJoin", &[ArgType::Any], None, |_, a| {
        let d = entries(&a[0]).ok_or_else(|| {
            FuncError::new("wrong type for value; expected map[string]interface {}")
        })?;
        let get = |k: &str| d.entries.get(k).map(strval).unwrap_or_default();
        let mut out = String::new();
        let scheme = get("scheme");
        if !scheme.is_empty() {
            out.push_str(&scheme);
            out.push(':');
        }
        let opaque = get("opaque");
        if !opaque.is_empty() {
            out.push_str(&opaque);
        } else {
            let host = get("host");
            let user = get("userinfo");
            if !scheme.is_empty() || !host.is_empty() || !user.is_empty() {
                out.push_str("//");
                if !user.is_empty() {
                    out.push_str(&user);
                    out.push('@');
                }
                out.push_str(&host);
            }
            let path = get("path");
            if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
                out.push('/');
            }
            out.push_str(&path);
        }
        let q = get("query");
        if !q.is_empty() {
            out.push('?');
            out.push_str(&q);
        }
        let f = get("fragment");
        if !f.is_empty() {
            out.push('#');
            out.push_str(&f);
        }
        Ok(Value::from(out))
    }));
}
