//! `.Files`: the chart's non-template files, with Helm's accessor methods.

use std::collections::BTreeMap;
use std::sync::Arc;

use kubeplay_gotemplate::{ArgType, Func, GoStr, Object, SortedMap, Value};

use crate::ignore::files_glob;

/// Helm's `engine.files` (a `map[string][]byte`).
#[derive(Clone, Default)]
pub struct Files {
    files: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl Files {
    pub fn new(files: impl IntoIterator<Item = (String, Arc<[u8]>)>) -> Files {
        Files {
            files: Arc::new(files.into_iter().collect()),
        }
    }

    fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(|d| &d[..])
    }

    fn glob(&self, pattern: &str) -> Files {
        Files {
            files: Arc::new(
                self.files
                    .iter()
                    .filter(|(k, _)| files_glob(pattern, k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        }
    }

    fn base_name_map(&self, f: impl Fn(&[u8]) -> String) -> Value {
        let m: SortedMap<Value> = self
            .files
            .iter()
            .map(|(k, v)| {
                let base = k.rsplit('/').next().unwrap_or(k).to_string();
                (base, Value::from(f(v)))
            })
            .collect();
        Value::from(m)
    }
}

fn to_yaml_string(v: &Value) -> String {
    match crate::convert::to_yaml(v) {
        Ok(s) => s.strip_suffix('\n').unwrap_or(&s).to_string(),
        Err(_) => String::new(),
    }
}

impl Object for Files {
    fn type_name(&self) -> String {
        "engine.files".into()
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn method(&self, name: &str) -> Option<Func> {
        let me = self.clone();
        Some(match name {
            "Get" => Func::new("Get", &[ArgType::String], None, move |_, a| {
                let n = a[0].as_str().unwrap_or("");
                Ok(match me.get(n) {
                    Some(d) => Value::String(GoStr::from_bytes(d.to_vec())),
                    None => Value::from(""),
                })
            }),
            "GetBytes" => Func::new("GetBytes", &[ArgType::String], None, move |_, a| {
                let n = a[0].as_str().unwrap_or("");
                Ok(match me.get(n) {
                    Some(d) => Value::String(GoStr::from_bytes(d.to_vec())),
                    None => Value::from(""),
                })
            }),
            "Glob" => Func::new("Glob", &[ArgType::String], None, move |_, a| {
                Ok(Value::object(me.glob(a[0].as_str().unwrap_or(""))))
            }),
            "Lines" => Func::new("Lines", &[ArgType::String], None, move |_, a| {
                let n = a[0].as_str().unwrap_or("");
                let lines: Vec<Value> = match me.get(n) {
                    None => Vec::new(),
                    Some(d) => {
                        let s = String::from_utf8_lossy(d);
                        let s = s.strip_suffix('\n').unwrap_or(&s);
                        s.split('\n').map(Value::from).collect()
                    }
                };
                Ok(Value::typed_list(
                    lines,
                    kubeplay_gotemplate::ElemType::String,
                ))
            }),
            // Helm gives "" only for a nil set, which `.Files` and `Glob` never are: an
            // empty set is an empty map, `{}`.
            "AsConfig" => Func::new("AsConfig", &[], None, move |_, _| {
                Ok(Value::from(to_yaml_string(&me.base_name_map(|d| {
                    String::from_utf8_lossy(d).into_owned()
                }))))
            }),
            "AsSecrets" => Func::new("AsSecrets", &[], None, move |_, _| {
                Ok(Value::from(to_yaml_string(
                    &me.base_name_map(crate::funcs::sprig::encoding::b64_std),
                )))
            }),
            _ => return None,
        })
    }

    fn value(&self) -> Option<Value> {
        let m: SortedMap<Value> = self
            .files
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(GoStr::from_bytes(v.to_vec()))))
            .collect();
        Some(Value::from(m))
    }
}
