//! Target selectors of patches and replacements: regular expressions on group, version,
//! kind, name and namespace, plus label and annotation selectors.

use regex::Regex;
use serde_json::Value as Json;

use crate::err;
use crate::error::Result;
use crate::resource::Resource;

#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub label_selector: String,
    pub annotation_selector: String,
}

impl Selector {
    pub fn from_json(v: &Json) -> Selector {
        let s = |k: &str| v.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        Selector {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            name: s("name"),
            namespace: s("namespace"),
            label_selector: s("labelSelector"),
            annotation_selector: s("annotationSelector"),
        }
    }

    /// Compiles the patterns once for a pass over many resources.
    pub fn compile(&self) -> Result<CompiledSelector<'_>> {
        let opt = |p: &str| -> Result<Option<Regex>> {
            if p.is_empty() {
                Ok(None)
            } else {
                anchored(p).map(Some)
            }
        };
        Ok(CompiledSelector {
            sel: self,
            group: opt(&self.group)?,
            version: opt(&self.version)?,
            kind: opt(&self.kind)?,
            name: opt(&self.name)?,
            namespace: opt(&self.namespace)?,
        })
    }

    /// Whether the resource is selected.
    pub fn matches(&self, r: &Resource) -> Result<bool> {
        self.compile()?.matches(r)
    }
}

pub struct CompiledSelector<'s> {
    sel: &'s Selector,
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
}

impl CompiledSelector<'_> {
    /// Whether the resource is selected (kustomize tries the original name and namespace,
    /// then the current ones).
    pub fn matches(&self, r: &Resource) -> Result<bool> {
        let cur = r.cur_id();
        let gvk = &cur.gvk;
        for (re, val) in [
            (&self.group, &gvk.group),
            (&self.version, &gvk.version),
            (&self.kind, &gvk.kind),
        ] {
            if re.as_ref().is_some_and(|re| !re.is_match(val)) {
                return Ok(false);
            }
        }
        let org = r.org_id();
        if let Some(re) = &self.namespace {
            if !re.is_match(org.effective_namespace()) && !re.is_match(cur.effective_namespace()) {
                return Ok(false);
            }
        }
        if let Some(re) = &self.name {
            if !re.is_match(&org.name) && !re.is_match(&cur.name) {
                return Ok(false);
            }
        }
        let sel = self.sel;
        if !sel.label_selector.is_empty()
            && !label_selector_matches(&sel.label_selector, &r.labels())?
        {
            return Ok(false);
        }
        if !sel.annotation_selector.is_empty()
            && !label_selector_matches(&sel.annotation_selector, &r.annotations())?
        {
            return Ok(false);
        }
        Ok(true)
    }
}

pub fn anchored(pat: &str) -> Result<Regex> {
    crate::regex_cache::compile(&format!("^(?:{pat})$")).map_err(|e| err!("{e}"))
}

/// Kubernetes label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
/// `a`, `!a`, joined by commas.
pub fn label_selector_matches(sel: &str, labels: &[(String, String)]) -> Result<bool> {
    let get = |k: &str| {
        labels
            .iter()
            .find(|(lk, _)| lk == k)
            .map(|(_, v)| v.as_str())
    };
    for req in split_requirements(sel) {
        let req = req.trim();
        if req.is_empty() {
            continue;
        }
        let ok = if let Some((k, v)) = req.split_once("!=") {
            get(k.trim()) != Some(v.trim())
        } else if let Some((k, v)) = req.split_once("==") {
            get(k.trim()) == Some(v.trim())
        } else if let Some((k, v)) = req.split_once('=') {
            get(k.trim()) == Some(v.trim())
        } else if let Some((k, set)) = split_set_op(req, " notin ") {
            get(&k).is_none_or(|v| !set.iter().any(|s| s == v))
        } else if let Some((k, set)) = split_set_op(req, " in ") {
            get(&k).is_some_and(|v| set.iter().any(|s| s == v))
        } else if let Some(k) = req.strip_prefix('!') {
            get(k.trim()).is_none()
        } else {
            get(req).is_some()
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn split_requirements(sel: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in sel.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn split_set_op(req: &str, op: &str) -> Option<(String, Vec<String>)> {
    let (k, rest) = req.split_once(op)?;
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some((
        k.trim().to_string(),
        inner.split(',').map(|s| s.trim().to_string()).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<(String, String)> {
        vec![
            ("app".into(), "web".into()),
            ("tier".into(), "front".into()),
        ]
    }

    #[test]
    fn label_selectors() {
        assert!(label_selector_matches("app=web", &labels()).unwrap());
        assert!(label_selector_matches("app=web,tier!=back", &labels()).unwrap());
        assert!(!label_selector_matches("app=db", &labels()).unwrap());
        assert!(label_selector_matches("tier in (front, back)", &labels()).unwrap());
        assert!(label_selector_matches("!missing", &labels()).unwrap());
    }
}
