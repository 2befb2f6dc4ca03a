//! `semver` and `semverCompare` (Masterminds/semver v3).

use std::sync::Arc;

use kubeplay_gotemplate::{ArgType, Func, FuncError, Object, Value};

use super::arg_str;
use crate::semver::{Constraints, Version};

/// The Go type of a parsed version, as errors name it.
const VERSION_TYPE: &str = "*semver.Version";

/// A version as a template sees it: `*semver.Version` from `semver`, or a `semver.Version`
/// value from its `Inc...` and `Set...` methods, which has only the methods with value
/// receivers (no `Original`, no comparisons).
#[derive(Clone)]
struct SemverObject {
    version: Arc<Version>,
    pointer: bool,
}

impl SemverObject {
    /// `semver`'s result: a pointer.
    fn pointer(v: Version) -> Value {
        Value::object(SemverObject {
            version: Arc::new(v),
            pointer: true,
        })
    }

    /// A method's result: a value.
    fn value(v: Version) -> Value {
        Value::object(SemverObject {
            version: Arc::new(v),
            pointer: false,
        })
    }
}

impl Object for SemverObject {
    fn type_name(&self) -> String {
        // The value type is the pointer's name without its `*`.
        let name = if self.pointer {
            VERSION_TYPE
        } else {
            &VERSION_TYPE[1..]
        };
        name.into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
    fn method(&self, name: &str) -> Option<Func> {
        let v = self.version.clone();
        let pointer_receiver = matches!(
            name,
            "Original"
                | "Compare"
                | "LessThan"
                | "LessThanEqual"
                | "GreaterThan"
                | "GreaterThanEqual"
                | "Equal"
        );
        if pointer_receiver && !self.pointer {
            return None;
        }
        let val = match name {
            "Major" => Value::Uint64(v.major),
            "Minor" => Value::Uint64(v.minor),
            "Patch" => Value::Uint64(v.patch),
            "Prerelease" => Value::from(v.pre.as_str()),
            "Metadata" => Value::from(v.metadata.as_str()),
            "Original" => Value::from(v.original.as_str()),
            "String" => Value::from(v.canonical()),
            "IncPatch" | "IncMinor" | "IncMajor" => SemverObject::value(incremented(&v, name)),
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal" => return Some(comparison(name, v)),
            "SetPrerelease" | "SetMetadata" => {
                let metadata = name == "SetMetadata";
                return Some(Func::new(name, &[ArgType::String], None, move |_, a| {
                    let part = arg_str(&a[0]);
                    let mut next = (*v).clone();
                    if metadata {
                        valid_metadata(&part)?;
                        next.metadata = part;
                    } else {
                        valid_prerelease(&part)?;
                        next.pre = part;
                    }
                    next.original = format!("{}{}", v_prefix(&v), next.canonical());
                    Ok(SemverObject::value(next))
                }));
            }
            _ => return None,
        };
        Some(Func::new(name, &[], None, move |_, _| Ok(val.clone())))
    }
    fn format(&self) -> String {
        self.version.canonical()
    }
}

/// The `v` or `V` the original text started with, which Masterminds keeps.
fn v_prefix(v: &Version) -> &str {
    if v.original.starts_with(['v', 'V']) {
        &v.original[..1]
    } else {
        ""
    }
}

/// `IncPatch` (a prerelease becomes its release), `IncMinor`, `IncMajor`: without
/// prerelease and metadata.
fn incremented(v: &Version, how: &str) -> Version {
    let mut next = v.clone();
    match how {
        "IncPatch" if v.pre.is_empty() => next.patch += 1,
        "IncPatch" => {}
        "IncMinor" => (next.minor, next.patch) = (v.minor + 1, 0),
        _ => (next.major, next.minor, next.patch) = (v.major + 1, 0, 0),
    }
    next.pre.clear();
    next.metadata.clear();
    next.original = format!("{}{}", v_prefix(v), next.canonical());
    next
}

/// `Compare` (-1, 0, 1) and the boolean comparisons, taking another `*semver.Version`: nil
/// is one (Go dereferences it and fails, except `Equal`, which says false).
fn comparison(name: &str, v: Arc<Version>) -> Func {
    let name_owned = name.to_string();
    Func::new(name, &[ArgType::Object(VERSION_TYPE)], None, move |_, a| {
        let other = match &a[0] {
            Value::Object(o) => o.as_any().and_then(|x| x.downcast_ref::<SemverObject>()),
            _ => None,
        };
        let Some(other) = other else {
            if name_owned == "Equal" {
                return Ok(Value::Bool(false));
            }
            return Err(super::nil_dereference());
        };
        let ord = v.compare(&other.version);
        Ok(match name_owned.as_str() {
            "Compare" => Value::Int(ord as i64),
            "LessThan" => Value::Bool(ord.is_lt()),
            "LessThanEqual" => Value::Bool(ord.is_le()),
            "GreaterThan" => Value::Bool(ord.is_gt()),
            "GreaterThanEqual" => Value::Bool(ord.is_ge()),
            _ => Value::Bool(ord.is_eq()),
        })
    })
}

/// Letters, digits and `-`: what prerelease and metadata identifiers may hold.
fn identifier_chars(part: &str) -> bool {
    part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Masterminds' `validatePrerelease`.
fn valid_prerelease(pre: &str) -> Result<(), FuncError> {
    if pre.is_empty() {
        return Ok(());
    }
    for part in pre.split('.') {
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            if part.len() > 1 && part.starts_with('0') {
                return Err(FuncError::new("version segment starts with 0"));
            }
        } else if part.is_empty() || !identifier_chars(part) {
            return Err(FuncError::new("invalid prerelease string"));
        }
    }
    Ok(())
}

/// Masterminds' `validateMetadata`.
fn valid_metadata(metadata: &str) -> Result<(), FuncError> {
    let valid = |part: &str| !part.is_empty() && identifier_chars(part);
    if metadata.is_empty() || metadata.split('.').all(valid) {
        return Ok(());
    }
    Err(FuncError::new("invalid metadata string"))
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::String as Str;
    fs.push(Func::new("semver", &[Str], None, |_, a| {
        let s = arg_str(&a[0]);
        match Version::parse(&s) {
            Some(v) => Ok(SemverObject::pointer(v)),
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

#[cfg(test)]
mod tests {
    use crate::funcs::execute_text;

    /// The methods of a parsed version and of the versions its methods return, as the Helm
    /// 4.2.3 library runs them: the values from `Inc...` and `Set...` are `semver.Version`,
    /// without the pointer's methods.
    #[test]
    fn version_methods_are_semvers() {
        let run =
            |src: &str| execute_text(&format!("{{{{ $v := semver \"v1.2.3-rc.1+m\" }}}}{src}"));
        assert_eq!(
            run(
                "{{ $w := semver \"1.3.0\" }}{{ $v.LessThan $w }} {{ $v.GreaterThanEqual $w }} \
                 {{ $v.Equal $v }} {{ $v.Compare $w }} {{ $v.Equal nil }}"
            )
            .unwrap(),
            "true false true -1 false"
        );
        assert_eq!(
            run("{{ $v.IncPatch }} {{ $v.IncMinor }} {{ $v.IncMajor }} {{ (semver \"1.2.3\").IncPatch }} \
                 {{ $v.SetPrerelease \"beta\" }} {{ $v.SetMetadata \"x.y\" }} {{ printf \"%T\" $v.IncPatch }}")
            .unwrap(),
            "1.2.3 1.3.0 2.0.0 1.2.4 1.2.3-beta+m 1.2.3-rc.1+x.y semver.Version"
        );
        for (src, want) in [
            ("{{ $v.SetPrerelease \"01\" }}", "error calling SetPrerelease: version segment starts with 0"),
            ("{{ $v.SetPrerelease \"a..b\" }}", "error calling SetPrerelease: invalid prerelease string"),
            ("{{ $v.SetMetadata \"a_b\" }}", "error calling SetMetadata: invalid metadata string"),
            ("{{ $v.Compare nil }}", "error calling Compare: runtime error: invalid memory address or nil pointer dereference"),
            ("{{ $v.LessThan \"1.3.0\" }}", "can't handle \"1.3.0\" for arg of type *semver.Version"),
            ("{{ ($v.IncMinor).Original }}", "can't evaluate field Original in type semver.Version"),
        ] {
            let e = run(src).unwrap_err();
            assert!(e.ends_with(want), "{src}: {e}");
        }
    }

    /// `toJson` and `toYaml` marshal a version as its `String()`, as its `MarshalJSON` does.
    #[test]
    fn versions_marshal_as_strings() {
        assert_eq!(
            execute_text("{{ semver \"1.2.3-beta.1+b5\" | toJson }} {{ semver \"v1.2\" | toYaml }} {{ list (semver \"1.0.0\") | toJson }}").unwrap(),
            "\"1.2.3-beta.1+b5\" 1.2.0 [\"1.0.0\"]"
        );
        assert_eq!(
            execute_text("{{ (semver \"1.2.3\").IncPatch | toJson }}").unwrap(),
            "\"1.2.4\""
        );
    }
}
