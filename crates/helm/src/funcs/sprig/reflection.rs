//! `typeOf`, `typeIs`, `typeIsLike`, `kindOf`, `kindIs`.

use kubeplay_gotemplate::{ArgType, Func, Value};

use super::arg_str;
use crate::funcs::kind_of;

fn type_of(v: &Value) -> String {
    v.type_name()
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::{Any, String as Str};
    fs.push(Func::new("typeOf", &[Any], None, |_, a| {
        Ok(Value::from(type_of(&a[0])))
    }));
    fs.push(Func::new("typeIs", &[Str, Any], None, |_, a| {
        Ok(Value::Bool(arg_str(&a[0]) == type_of(&a[1])))
    }));
    fs.push(Func::new("typeIsLike", &[Str, Any], None, |_, a| {
        let t = type_of(&a[1]);
        let want = arg_str(&a[0]);
        Ok(Value::Bool(want == t || format!("*{want}") == t))
    }));
    fs.push(Func::new("kindOf", &[Any], None, |_, a| {
        Ok(Value::from(kind_of(&a[0])))
    }));
    fs.push(Func::new("kindIs", &[Str, Any], None, |_, a| {
        Ok(Value::Bool(arg_str(&a[0]) == kind_of(&a[1])))
    }));
}
