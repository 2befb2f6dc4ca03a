//! `--set`, `--set-string`, `--set-json`, `--set-file` and `--set-literal` parsing, following
//! Helm's strvals: `a.b=c,d[0].e=f`, `{x,y}` lists, backslash escapes, typed scalars.

use serde_json::{Map, Value as Json};

/// How the value after `=` is read.
pub enum Mode<'a> {
    /// `--set`: `true`/`false`/`null`/integers are typed.
    Typed,
    /// `--set-string`: always strings.
    String,
    /// `--set-json`: a JSON value.
    Json,
    /// `--set-file`: the value names a file whose content becomes the string; the reader is
    /// given the path.
    File(&'a dyn Fn(&str) -> Result<String, String>),
}

/// Deepest `a.b.c...` nesting accepted (Helm's `MaxNestedNameLevel`).
pub const MAX_NESTED_NAME_LEVEL: usize = 30;
/// Largest list index accepted (Helm's `MaxIndex`).
pub const MAX_INDEX: usize = 65536;

struct Parser<'a, 'm> {
    s: Vec<char>,
    pos: usize,
    mode: &'a Mode<'m>,
}

enum Stop {
    Eof,
    At(char),
}

type Res<T> = Result<T, String>;

/// Parses `s` into `base`, as Helm's `strvals.ParseInto` (and its variants) do.
pub fn parse_into(s: &str, base: &mut Map<String, Json>, mode: &Mode<'_>) -> Result<(), String> {
    let mut p = Parser {
        s: s.chars().collect(),
        pos: 0,
        mode,
    };
    loop {
        match p.key(base, 0) {
            Ok(()) => continue,
            Err(None) => return Ok(()),
            Err(Some(e)) => return Err(e),
        }
    }
}

/// `Err(None)` is io.EOF.
type KeyRes = Result<(), Option<String>>;

impl Parser<'_, '_> {
    fn read(&mut self) -> Option<char> {
        let c = self.s.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn runes_until(&mut self, stop: &[char]) -> (String, Stop) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, Stop::Eof),
                Some(c) if stop.contains(&c) => return (v, Stop::At(c)),
                Some('\\') => match self.read() {
                    None => return (v, Stop::Eof),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn typed(&mut self, raw: String) -> Res<Json> {
        Ok(match self.mode {
            Mode::String => Json::String(raw),
            Mode::File(read) => Json::String(read(&raw)?),
            Mode::Json => Json::String(raw),
            Mode::Typed => {
                let l = raw.to_ascii_lowercase();
                if l == "true" {
                    Json::Bool(true)
                } else if l == "false" {
                    Json::Bool(false)
                } else if l == "null" {
                    Json::Null
                } else if raw == "0" {
                    Json::from(0i64)
                } else if !raw.is_empty() && !raw.starts_with('0') {
                    match crate::funcs::sprig::conversion::go_atoi(&raw) {
                        Some(i) => Json::from(i),
                        None => Json::String(raw),
                    }
                } else {
                    Json::String(raw)
                }
            }
        })
    }

    fn json_value(&mut self) -> Res<Json> {
        let rest: String = self.s[self.pos..].iter().collect();
        let mut de = serde_json::Deserializer::from_str(&rest).into_iter::<Json>();
        let v = match de.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err("unexpected end of JSON input".into()),
        };
        let used = rest[..de.byte_offset()].chars().count();
        self.pos += used;
        Ok(json_floats(v))
    }

    /// After a JSON value: only a `,` (or the end) may follow.
    fn empty_val(&mut self) -> Res<bool> {
        loop {
            match self.read() {
                None => return Ok(true),
                Some(',') => return Ok(true),
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.pos -= 1;
                    return Ok(false);
                }
            }
        }
    }

    fn val_list(&mut self) -> Result<Vec<Json>, ValErr> {
        match self.read() {
            None => return Err(ValErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.pos -= 1;
                return Err(ValErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                Stop::Eof => return Err(ValErr::Msg("list must terminate with '}'".into())),
                Stop::At('}') => {
                    if let Some(c) = self.read() {
                        if c != ',' {
                            self.pos -= 1;
                        }
                    }
                    list.push(self.typed(rs).map_err(ValErr::Msg)?);
                    return Ok(list);
                }
                Stop::At(_) => list.push(self.typed(rs).map_err(ValErr::Msg)?),
            }
        }
    }

    /// The value after `=`; `Ok(None)` at the end of input (io.EOF after setting).
    fn value(&mut self) -> Result<(Json, bool), String> {
        if matches!(self.mode, Mode::Json) {
            if self.empty_val()? {
                return Ok((Json::Null, false));
            }
            let v = self.json_value()?;
            self.empty_val()?;
            return Ok((v, false));
        }
        match self.val_list() {
            Ok(l) => Ok((Json::Array(l), false)),
            Err(ValErr::Eof) => Ok((Json::String(String::new()), true)),
            Err(ValErr::NotList) => {
                let (rs, last) = self.runes_until(&[',']);
                let v = self.typed(rs)?;
                Ok((v, matches!(last, Stop::Eof)))
            }
            Err(ValErr::Msg(m)) => Err(m),
        }
    }

    fn key(&mut self, data: &mut Map<String, Json>, level: usize) -> KeyRes {
        let (k, last) = self.runes_until(&['=', '[', ',', '.']);
        match last {
            Stop::Eof => {
                if k.is_empty() {
                    return Err(None);
                }
                Err(Some(format!("key {k:?} has no value")))
            }
            Stop::At('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| Some(format!("error parsing index: {e}")))?;
                let list = match data.get(&k) {
                    Some(Json::Array(a)) => a.clone(),
                    Some(_) => {
                        return Err(Some(
                            "unable to parse key: interface conversion: interface {} is not []interface {}".into(),
                        ))
                    }
                    None => Vec::new(),
                };
                let (list, r) = self.list_item(list, i, level);
                if !k.is_empty() {
                    data.insert(k, Json::Array(list));
                }
                r
            }
            Stop::At('=') => {
                let (v, eof) = self.value().map_err(Some)?;
                if !k.is_empty() {
                    data.insert(k, v);
                }
                if eof {
                    Err(None)
                } else {
                    Ok(())
                }
            }
            Stop::At(',') => {
                if !k.is_empty() {
                    data.insert(k.clone(), Json::String(String::new()));
                }
                Err(Some(format!("key {k:?} has no value (cannot end with ,)")))
            }
            Stop::At(_) => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Some(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&k) {
                    Some(Json::Object(m)) => m.clone(),
                    Some(_) => {
                        return Err(Some(
                            "unable to parse key: interface conversion: interface {} is not map[string]interface {}".into(),
                        ))
                    }
                    None => Map::new(),
                };
                let e = self.key(&mut inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(Some(format!("key map {k:?} has no value")));
                }
                if !inner.is_empty() && !k.is_empty() {
                    data.insert(k, Json::Object(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> Res<usize> {
        let (v, last) = self.runes_until(&[']']);
        if matches!(last, Stop::Eof) {
            return Err("EOF".into());
        }
        v.parse::<i64>()
            .map_err(|_| format!("strconv.Atoi: parsing {v:?}: invalid syntax"))
            .and_then(|i| {
                if i < 0 {
                    Err(format!("negative {i} index not allowed"))
                } else {
                    Ok(i as usize)
                }
            })
    }

    fn list_item(&mut self, mut list: Vec<Json>, i: usize, level: usize) -> (Vec<Json>, KeyRes) {
        let set_index = |list: &mut Vec<Json>, v: Json| -> Result<(), String> {
            if i > MAX_INDEX {
                return Err(format!(
                    "index of {i} is greater than maximum supported index of {MAX_INDEX}"
                ));
            }
            if list.len() <= i {
                list.resize(i + 1, Json::Null);
            }
            list[i] = v;
            Ok(())
        };
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(Some(format!(
                    "unexpected data at end of array index: {k:?}"
                ))),
            );
        }
        match last {
            Stop::Eof => (list, Err(None)),
            Stop::At('=') => match self.value() {
                Err(e) => (list, Err(Some(e))),
                Ok((v, eof)) => {
                    if let Err(e) = set_index(&mut list, v) {
                        return (list, Err(Some(e)));
                    }
                    (list, if eof { Err(None) } else { Ok(()) })
                }
            },
            Stop::At('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(Some(format!("error parsing index: {e}")))),
                };
                let cur = match list.get(i) {
                    Some(Json::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                let (l2, r) = self.list_item(cur, next, level);
                if let Err(Some(e)) = r {
                    return (list, Err(Some(e)));
                }
                if let Err(e) = set_index(&mut list, Json::Array(l2)) {
                    return (list, Err(Some(e)));
                }
                (list, r)
            }
            Stop::At(_) => {
                let mut inner = match list.get(i) {
                    Some(Json::Object(m)) => m.clone(),
                    _ => Map::new(),
                };
                let r = self.key(&mut inner, level);
                if let Err(Some(e)) = r {
                    return (list, Err(Some(e)));
                }
                if let Err(e) = set_index(&mut list, Json::Object(inner)) {
                    return (list, Err(Some(e)));
                }
                (list, r)
            }
        }
    }
}

enum ValErr {
    Eof,
    NotList,
    Msg(String),
}

fn json_floats(v: Json) -> Json {
    match v {
        Json::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Json::Array(a) => Json::Array(a.into_iter().map(json_floats).collect()),
        Json::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, json_floats(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str, mode: Mode<'_>) -> Result<Json, String> {
        let mut m = Map::new();
        parse_into(s, &mut m, &mode)?;
        Ok(Json::Object(m))
    }

    #[test]
    fn helm_strvals() {
        assert_eq!(
            p(
                "a.b=1,c=true,d=null,e=0x1,f=010,g={x,y},h[1].i=s",
                Mode::Typed
            )
            .unwrap(),
            json!({"a": {"b": 1}, "c": true, "d": null, "e": "0x1", "f": "010", "g": ["x", "y"], "h": [null, {"i": "s"}]})
        );
        assert_eq!(p("a=1", Mode::String).unwrap(), json!({"a": "1"}));
        assert_eq!(p(r"a\.b=c\,d", Mode::Typed).unwrap(), json!({"a.b": "c,d"}));
        assert_eq!(
            p(r#"a={"x":[1,2]},b=2"#, Mode::Json).unwrap(),
            json!({"a": {"x": [1.0, 2.0]}, "b": 2.0})
        );
        assert!(p("a", Mode::Typed).is_err());
        assert!(p("a[-1]=2", Mode::Typed).is_err());
        assert!(p("a={x", Mode::Typed).is_err());
    }
}
