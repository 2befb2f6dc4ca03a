//! The kustomization file: its fields as kustomize v5.5.0 knows them, decoded strictly
//! (unknown fields are errors, worded like Go's `encoding/json`).

use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::{Error, Result};

/// The shape of each field, enough to reject unknown fields and wrong types the way Go's
/// decoder does.
enum Shape {
    Str,
    Bool,
    Int,
    Any,
    List(&'static Shape),
    Map(&'static Shape),
    Obj(&'static str, &'static [(&'static str, Shape)]),
}

use Shape::*;

const STR_LIST: Shape = List(&Str);
const STR_MAP: Shape = Map(&Str);

const SELECTOR: Shape = Obj(
    "Selector",
    &[
        ("group", Str),
        ("version", Str),
        ("kind", Str),
        ("name", Str),
        ("namespace", Str),
        ("annotationSelector", Str),
        ("labelSelector", Str),
    ],
);

const PATCH: Shape = Obj(
    "Patch",
    &[
        ("path", Str),
        ("patch", Str),
        ("target", SELECTOR),
        ("options", Map(&Bool)),
    ],
);

const FIELD_SPEC: Shape = Obj(
    "FieldSpec",
    &[
        ("group", Str),
        ("version", Str),
        ("kind", Str),
        ("path", Str),
        ("create", Bool),
    ],
);

const GEN_OPTIONS: Shape = Obj(
    "GeneratorOptions",
    &[
        ("labels", STR_MAP),
        ("annotations", STR_MAP),
        ("disableNameSuffixHash", Bool),
        ("immutable", Bool),
    ],
);

const GENERATOR_ARGS: [(&str, Shape); 8] = [
    ("namespace", Str),
    ("name", Str),
    ("behavior", Str),
    ("literals", STR_LIST),
    ("files", STR_LIST),
    ("envs", STR_LIST),
    ("env", Str),
    ("options", GEN_OPTIONS),
];

const SECRET_ARGS: [(&str, Shape); 9] = [
    ("namespace", Str),
    ("name", Str),
    ("behavior", Str),
    ("literals", STR_LIST),
    ("files", STR_LIST),
    ("envs", STR_LIST),
    ("env", Str),
    ("options", GEN_OPTIONS),
    ("type", Str),
];

const FIELD_OPTIONS: Shape = Obj(
    "FieldOptions",
    &[
        ("delimiter", Str),
        ("index", Int),
        ("encoding", Str),
        ("create", Bool),
    ],
);

const REPLACEMENT: Shape = Obj(
    "Replacement",
    &[
        ("path", Str),
        (
            "source",
            Obj(
                "SourceSelector",
                &[
                    ("group", Str),
                    ("version", Str),
                    ("kind", Str),
                    ("name", Str),
                    ("namespace", Str),
                    ("fieldPath", Str),
                    ("options", FIELD_OPTIONS),
                ],
            ),
        ),
        (
            "targets",
            List(&Obj(
                "TargetSelector",
                &[
                    ("select", SELECTOR),
                    ("reject", List(&SELECTOR)),
                    ("fieldPaths", STR_LIST),
                    ("options", FIELD_OPTIONS),
                ],
            )),
        ),
    ],
);

const KUSTOMIZATION: &[(&str, Shape)] = &[
    ("apiVersion", Str),
    ("kind", Str),
    (
        "metadata",
        Obj(
            "ObjectMeta",
            &[
                ("name", Str),
                ("namespace", Str),
                ("labels", STR_MAP),
                ("annotations", STR_MAP),
            ],
        ),
    ),
    ("openapi", STR_MAP),
    ("namePrefix", Str),
    ("nameSuffix", Str),
    ("namespace", Str),
    ("commonLabels", STR_MAP),
    (
        "labels",
        List(&Obj(
            "Label",
            &[
                ("pairs", STR_MAP),
                ("includeSelectors", Bool),
                ("includeTemplates", Bool),
                ("fields", List(&FIELD_SPEC)),
            ],
        )),
    ),
    ("commonAnnotations", STR_MAP),
    ("patchesStrategicMerge", STR_LIST),
    ("patchesJson6902", List(&PATCH)),
    ("patches", List(&PATCH)),
    (
        "images",
        List(&Obj(
            "Image",
            &[
                ("name", Str),
                ("newName", Str),
                ("tagSuffix", Str),
                ("newTag", Str),
                ("digest", Str),
            ],
        )),
    ),
    (
        "imageTags",
        List(&Obj(
            "Image",
            &[
                ("name", Str),
                ("newName", Str),
                ("tagSuffix", Str),
                ("newTag", Str),
                ("digest", Str),
            ],
        )),
    ),
    ("replacements", List(&REPLACEMENT)),
    (
        "replicas",
        List(&Obj("Replica", &[("name", Str), ("count", Int)])),
    ),
    (
        "vars",
        List(&Obj(
            "Var",
            &[
                ("name", Str),
                (
                    "objref",
                    Obj(
                        "Target",
                        &[
                            ("apiVersion", Str),
                            ("group", Str),
                            ("version", Str),
                            ("kind", Str),
                            ("name", Str),
                            ("namespace", Str),
                        ],
                    ),
                ),
                ("fieldref", Obj("FieldSelector", &[("fieldPath", Str)])),
            ],
        )),
    ),
    (
        "sortOptions",
        Obj(
            "SortOptions",
            &[
                ("order", Str),
                (
                    "legacySortOptions",
                    Obj(
                        "LegacySortOptions",
                        &[("orderFirst", STR_LIST), ("orderLast", STR_LIST)],
                    ),
                ),
            ],
        ),
    ),
    ("resources", STR_LIST),
    ("components", STR_LIST),
    ("crds", STR_LIST),
    ("bases", STR_LIST),
    (
        "configMapGenerator",
        List(&Obj("ConfigMapArgs", &GENERATOR_ARGS)),
    ),
    ("secretGenerator", List(&Obj("SecretArgs", &SECRET_ARGS))),
    ("helmGlobals", Any),
    ("helmCharts", Any),
    ("helmChartInflationGenerator", Any),
    ("generatorOptions", GEN_OPTIONS),
    ("configurations", STR_LIST),
    ("generators", STR_LIST),
    ("transformers", STR_LIST),
    ("validators", STR_LIST),
    ("buildMetadata", STR_LIST),
];

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn go_type(shape: &Shape) -> String {
    match shape {
        Str => "string".into(),
        Bool => "bool".into(),
        Int => "int".into(),
        Any => "interface {}".into(),
        List(s) => format!("[]{}", go_type(s)),
        Map(s) => format!("map[string]{}", go_type(s)),
        Obj(name, _) => format!("types.{name}"),
    }
}

/// Checks `v` against `shape`; `at` is Go's field path for messages.
fn check(v: &mut Json, shape: &Shape, at: &str) -> Result<()> {
    if v.is_null() {
        return Ok(());
    }
    let tn = type_name(v);
    let mismatch = || {
        err!(
            "json: cannot unmarshal {} into Go struct field {} of type {}",
            tn,
            at,
            go_type(shape)
        )
    };
    match shape {
        Any => Ok(()),
        Str if v.is_string() => Ok(()),
        Bool if v.is_boolean() => Ok(()),
        Int if v.is_i64() || v.is_u64() => Ok(()),
        List(inner) => {
            let items = v.as_array_mut().ok_or_else(mismatch)?;
            items.iter_mut().try_for_each(|i| check(i, inner, at))
        }
        Map(inner) => {
            let m = v.as_object_mut().ok_or_else(mismatch)?;
            m.values_mut().try_for_each(|i| check(i, inner, at))
        }
        Obj(name, fields) => {
            let m = v.as_object_mut().ok_or_else(mismatch)?;
            check_fields(m, fields, name)
        }
        _ => Err(mismatch()),
    }
}

/// Go's decoder matches field names exactly, else ignoring case; keys are rewritten to
/// their canonical spelling.
fn check_fields(m: &mut Map<String, Json>, fields: &[(&str, Shape)], owner: &str) -> Result<()> {
    let keys: Vec<String> = m.keys().cloned().collect();
    for k in keys {
        let found = fields
            .iter()
            .find(|(n, _)| *n == k)
            .or_else(|| fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(&k)));
        match found {
            Some((n, shape)) => {
                let mut v = m.remove(&k).unwrap_or(Json::Null);
                check(&mut v, shape, &format!("{owner}.{n}"))?;
                m.insert(n.to_string(), v);
            }
            None => return Err(err!("json: unknown field \"{k}\"")),
        }
    }
    Ok(())
}

/// A decoded kustomization. List-like fields are kept as JSON values where their items are
/// structured; accessors give typed views.
#[derive(Debug, Clone, Default)]
pub struct Kustomization {
    pub raw: Map<String, Json>,
    pub kind: String,
    pub api_version: String,
}

pub const KUSTOMIZATION_KIND: &str = "Kustomization";
pub const COMPONENT_KIND: &str = "Component";

impl Kustomization {
    /// Decodes the JSON form of a kustomization file and applies kustomize's fix-ups
    /// (`bases` into `resources`, `imageTags` into `images`, `env` into `envs`).
    pub fn from_json(v: &Json) -> Result<Kustomization> {
        let empty = Map::new();
        let m = match v {
            Json::Object(m) => m,
            Json::Null => &empty,
            other => {
                return Err(err!(
                    "invalid Kustomization: json: cannot unmarshal {} into Go value of type types.Kustomization",
                    type_name(other)
                ))
            }
        };
        let mut raw = m.clone();
        check_fields(&mut raw, KUSTOMIZATION, "Kustomization")
            .map_err(|e| e.wrap("invalid Kustomization"))?;
        let kind = raw
            .get("kind")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let api_version = raw
            .get("apiVersion")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        // kustomize compares the decoded struct with an empty one (apiVersion and kind
        // aside) after its fix-ups: a field given as `[]` or `{}` is set (Go's non-nil slice
        // or map), except the deprecated lists the fix-ups fold into others.
        let is_empty = raw
            .iter()
            .filter(|(k, _)| *k != "apiVersion" && *k != "kind")
            .all(|(k, v)| match v {
                Json::Array(a) => {
                    a.is_empty()
                        && matches!(
                            k.as_str(),
                            "bases" | "imageTags" | "helmChartInflationGenerator"
                        )
                }
                Json::Object(_) => false,
                other => is_zero(other),
            });
        if is_empty {
            return Err(Error::new("kustomization.yaml is empty"));
        }
        let mut errs = Vec::new();
        if !kind.is_empty() && kind != KUSTOMIZATION_KIND && kind != COMPONENT_KIND {
            errs.push("kind should be Kustomization or Component".to_string());
        }
        let kind = if kind.is_empty() {
            KUSTOMIZATION_KIND.to_string()
        } else {
            kind
        };
        let required = if kind == COMPONENT_KIND {
            "kustomize.config.k8s.io/v1alpha1"
        } else {
            "kustomize.config.k8s.io/v1beta1"
        };
        if !api_version.is_empty() && api_version != required {
            errs.push(format!("apiVersion for {kind} should be {required}"));
        }
        if !errs.is_empty() {
            return Err(Error::new(errs.join("\n")));
        }
        // bases are resources; imageTags are images.
        for (from, to) in [("bases", "resources"), ("imageTags", "images")] {
            if let Some(Json::Array(extra)) = raw.remove(from) {
                let list = raw.entry(to).or_insert_with(|| Json::Array(Vec::new()));
                if let Json::Array(items) = list {
                    items.extend(extra);
                } else {
                    *list = Json::Array(extra);
                }
            }
        }
        for gen in ["configMapGenerator", "secretGenerator"] {
            if let Some(Json::Array(items)) = raw.get_mut(gen) {
                for item in items {
                    if let Some(obj) = item.as_object_mut() {
                        if let Some(Json::String(env)) = obj.remove("env") {
                            if !env.is_empty() {
                                let envs =
                                    obj.entry("envs").or_insert_with(|| Json::Array(Vec::new()));
                                if let Json::Array(list) = envs {
                                    list.push(Json::String(env));
                                } else {
                                    *envs = Json::Array(vec![Json::String(env)]);
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(Kustomization {
            raw,
            kind,
            api_version,
        })
    }

    /// kustomize's warnings for deprecated fields, in its order.
    pub fn deprecation_warnings(raw: &Json) -> Vec<String> {
        let fix = "Run 'kustomize edit fix' to update your Kustomization automatically.";
        [
            ("bases", "resources", ""),
            ("commonLabels", "labels", ""),
            ("imageTags", "images", ""),
            ("patchesJson6902", "patches", ""),
            ("patchesStrategicMerge", "patches", ""),
            ("vars", "replacements", " [EXPERIMENTAL]"),
        ]
        .iter()
        .filter(|(field, _, _)| raw.get(field).is_some_and(|v| !v.is_null()))
        .map(|(field, instead, note)| {
            format!(
                "# Warning: '{field}' is deprecated. Please use '{instead}' instead.{note} {fix}"
            )
        })
        .collect()
    }

    pub fn is_component(&self) -> bool {
        self.kind == COMPONENT_KIND
    }

    pub fn get(&self, field: &str) -> Option<&Json> {
        self.raw.get(field).filter(|v| !v.is_null())
    }

    pub fn str(&self, field: &str) -> &str {
        self.get(field).and_then(Json::as_str).unwrap_or("")
    }

    pub fn strings(&self, field: &str) -> Vec<String> {
        self.get(field)
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn items(&self, field: &str) -> Vec<Json> {
        self.get(field)
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default()
    }

    /// A string map field, in key order (Go maps iterate in random order; kustomize sorts
    /// where the order shows).
    pub fn string_map(&self, field: &str) -> Vec<(String, String)> {
        string_map(self.get(field))
    }
}

pub fn string_map(v: Option<&Json>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Go's zero value test for what `omitempty` drops.
fn is_zero(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::Number(n) => n.as_f64() == Some(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_field_is_an_error() {
        let e = Kustomization::from_json(&json!({"resources": ["a"], "foo": 1})).unwrap_err();
        assert_eq!(
            e.message,
            "invalid Kustomization: json: unknown field \"foo\""
        );
        let e = Kustomization::from_json(&json!({"labels": [{"pairs": {"a": "b"}, "nope": true}]}))
            .unwrap_err();
        assert_eq!(
            e.message,
            "invalid Kustomization: json: unknown field \"nope\""
        );
    }

    #[test]
    fn deprecated_fields_warn_in_kustomize_order() {
        let w =
            Kustomization::deprecation_warnings(&json!({"vars": [], "commonLabels": {"a": "b"}}));
        assert_eq!(w.len(), 2);
        assert!(w[0]
            .starts_with("# Warning: 'commonLabels' is deprecated. Please use 'labels' instead."));
        assert!(w[1].contains("'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix'"));
    }

    #[test]
    fn bases_join_resources() {
        let k = Kustomization::from_json(&json!({"resources": ["a"], "bases": ["b"]})).unwrap();
        assert_eq!(k.strings("resources"), ["a", "b"]);
        assert_eq!(k.kind, "Kustomization");
    }

    #[test]
    fn empty_and_wrong_kind() {
        let e = Kustomization::from_json(&json!({"apiVersion": "kustomize.config.k8s.io/v1beta1"}))
            .unwrap_err();
        assert_eq!(e.message, "kustomization.yaml is empty");
        let e = Kustomization::from_json(&json!({"kind": "Foo", "resources": ["a"]})).unwrap_err();
        assert!(e.message.starts_with("kind should be"));
    }
}
