//! `semver` and `semverCompare` (Masterminds/semver v3).

use std::sync::Arc;

use kubeplay_gotemplate::{ArgType, Func, FuncError, Object, Value};

use super::arg_str;
use crate::semver::{Constraints, Version};

/// `*semver.Version` as a template sees it.
#[derive(Clone)]
struct SemverObject(Arc<Version>);

impl Object for SemverObject {
    fn type_name(&self) -> String {
        "*semver.Version".into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Func> {
        let v = self.0.clone();
        let val = match name {
            "Major" => Value::Uint64(v.major),
            "Minor" => Value::Uint64(v.minor),
            "Patch" => Value::Uint64(v.patch),
            "Prerelease" => Value::from(v.pre.as_str()),
            "Metadata" => Value::from(v.metadata.as_str()),
            "Original" => Value::from(v.original.as_str()),
            "String" => Value::from(v.canonical()),
            "Compare" => {
                return Some(Func::new("Compare", &[ArgType::Any], None, move |_, a| {
                    let other = match &a[0] {
                        Value::Object(o) if o.type_name() == "*semver.Version" => {
                            Version::parse(&kubeplay_gotemplate::fmt::sprint(&a[..1]))
                        }
                        _ => None,
                    };
                    let Some(o) = other else {
                        return Err(FuncError::new(
                            "wrong type for value; expected *semver.Version",
                        ));
                    };
                    Ok(Value::Int(v.compare(&o) as i64))
                }))
            }
            _ => return None,
        };
        Some(Func::new(name, &[], None, move |_, _| Ok(val.clone())))
    }
    fn format(&self) -> String {
        self.0.canonical()
    }
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::String as Str;
    fs.push(Func::new("semver", &[Str], None, |_, a| {
        let s = arg_str(&a[0]);
        match Version::parse(&s) {
            Some(v) => Ok(Value::object(SemverObject(Arc::new(v)))),
            None => Err(FuncError::new("Invalid Semantic Version")),
        }
    }));
    fs.push(Func::new("semverCompare", &[Str, Str], None, |_, a| {
        let c = Constraints::parse(&arg_str(&a[0])).map_err(FuncError::new)?;
        let v = Version::parse(&arg_str(&a[1]))
            .ok_or_else(|| FuncError::new("Invalid Semantic Version"))?;
        Ok(Value::Bool(c.check(&v)))
    }));
}
