//! `images`: rewrite container images by name (new name, tag, digest).

use serde_json::Value as Json;

use crate::error::Result;
use crate::fieldspec::{self, CreateKind, FieldSpec};
use crate::resmap::ResMap;

#[derive(Debug, Clone, Default)]
pub struct ImageSpec {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
    pub tag_suffix: String,
    pub digest: String,
}

impl ImageSpec {
    pub fn from_json(v: &Json) -> ImageSpec {
        let s = |k: &str| match v.get(k) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        ImageSpec {
            name: s("name"),
            new_name: s("newName"),
            new_tag: s("newTag"),
            tag_suffix: s("tagSuffix"),
            digest: s("digest"),
        }
    }
}

/// kustomize matches `^NAME(:tag)?(@sha256:digest)?$` with NAME used as a regular
/// expression (an invalid one matches nothing).
fn matcher(name: &str) -> Option<regex::Regex> {
    let re = format!("^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$");
    crate::regex_cache::compile(&re).ok()
}

/// Splits `registry:5000/name:tag@digest` the way kustomize does.
pub fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = &image[slash..];
    let at = search.find('@');
    let colon = search.find(':');
    match (at, colon) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(a), c) if c.is_none_or(|c| a < c) => {
            let a = a + slash;
            (
                image[..a].to_string(),
                String::new(),
                image[a + 1..].to_string(),
            )
        }
        (Some(a), Some(c)) => {
            let (a, c) = (a + slash, c + slash);
            (
                image[..c].to_string(),
                image[c + 1..a].to_string(),
                image[a + 1..].to_string(),
            )
        }
        (None, Some(c)) => {
            let c = c + slash;
            (
                image[..c].to_string(),
                image[c + 1..].to_string(),
                String::new(),
            )
        }
        _ => (image.to_string(), String::new(), String::new()),
    }
}

fn update(value: &mut Json, spec: &ImageSpec, re: &regex::Regex) {
    let Json::String(image) = value else { return };
    if !re.is_match(image) {
        return;
    }
    let (mut name, mut tag, mut digest) = split(image);
    if !spec.new_name.is_empty() {
        name = spec.new_name.clone();
    }
    if !spec.new_tag.is_empty() && !spec.digest.is_empty() {
        tag = spec.new_tag.clone();
        digest = spec.digest.clone();
    } else if !spec.new_tag.is_empty() {
        tag = spec.new_tag.clone();
        digest.clear();
    } else if !spec.digest.is_empty() {
        tag.clear();
        digest = spec.digest.clone();
    } else if !spec.tag_suffix.is_empty() {
        tag.push_str(&spec.tag_suffix);
        digest.clear();
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    if !digest.is_empty() {
        name = format!("{name}@{digest}");
    }
    *image = name;
}

/// Every `containers`/`initContainers` list anywhere in the object (kustomize's legacy
/// walk), then the configured field specs.
pub fn transform(m: &mut ResMap, spec: &ImageSpec, fieldspecs: &[FieldSpec]) -> Result<()> {
    let Some(re) = matcher(&spec.name) else {
        return Ok(());
    };
    for r in &mut m.list {
        if r.kind() == "CustomResourceDefinition" {
            continue;
        }
        walk_containers(&mut r.obj, spec, &re);
        for fs in fieldspecs {
            fieldspec::apply(r, fs, CreateKind::None, &mut |v| {
                update(v, spec, &re);
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn walk_containers(v: &mut Json, spec: &ImageSpec, re: &regex::Regex) {
    match v {
        Json::Object(map) => {
            for (k, child) in map.iter_mut() {
                walk_containers(child, spec, re);
                if k == "containers" || k == "initContainers" {
                    if let Json::Array(items) = child {
                        for item in items {
                            if let Some(img) = item.get_mut("image") {
                                update(img, spec, re);
                            }
                        }
                    }
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| walk_containers(i, spec, re)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_kustomize() {
        assert_eq!(split("nginx"), ("nginx".into(), "".into(), "".into()));
        assert_eq!(
            split("nginx:1.2"),
            ("nginx".into(), "1.2".into(), "".into())
        );
        assert_eq!(
            split("reg:5000/nginx:1.2"),
            ("reg:5000/nginx".into(), "1.2".into(), "".into())
        );
        assert_eq!(
            split("nginx@sha256:abc"),
            ("nginx".into(), "".into(), "sha256:abc".into())
        );
    }

    #[test]
    fn updates_tag_and_name() {
        let spec = ImageSpec {
            name: "nginx".into(),
            new_name: "new-nginx".into(),
            new_tag: "1.23.1".into(),
            ..Default::default()
        };
        let re = matcher(&spec.name).unwrap();
        let mut v = Json::String("nginx:1.0".into());
        update(&mut v, &spec, &re);
        assert_eq!(v, "new-nginx:1.23.1");
        let mut other = Json::String("nginx-other:1.0".into());
        update(&mut other, &spec, &re);
        assert_eq!(other, "nginx-other:1.0");
    }
}
