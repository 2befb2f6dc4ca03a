//! values.schema.json validation, with the messages Helm prints (santhosh-tekuri/jsonschema
//! v6 wording: `- at '/age': minimum: got -5, want 0`).

use serde_json::Value as Json;

use crate::chart::Chart;
use crate::error::HelmError;
use crate::values::Values;

/// Largest nesting of `$ref`s followed before giving up.
const MAX_REF_DEPTH: usize = 64;

/// Helm's `ValidateAgainstSchema` over the chart and its subcharts.
pub fn validate_chart(chart: &Chart, vals: &Values) -> Result<(), HelmError> {
    validate_chart_values(chart, &Json::Object(vals.clone()))
}

/// [`validate_chart`] over values already held as a JSON object (no copy).
pub fn validate_chart_values(chart: &Chart, vals: &Json) -> Result<(), HelmError> {
    let mut sb = String::new();
    collect(chart, vals, &mut sb);
    if sb.is_empty() {
        Ok(())
    } else {
        Err(HelmError::Schema(format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{sb}"
        )))
    }
}

fn collect(chart: &Chart, vals: &Json, sb: &mut String) {
    if let Some(schema) = &chart.schema {
        let cached = chart
            .parsed_schema
            .get_or_init(|| (schema.clone(), parse_schema(schema)));
        let result = if cached.0 == *schema {
            match &cached.1 {
                Ok(s) => validate_parsed(vals, s),
                Err(e) => Err(e.clone()),
            }
        } else {
            parse_schema(schema).and_then(|s| validate_parsed(vals, &s))
        };
        if let Err(e) = result {
            sb.push_str(&format!("{}:\n{}", chart.name(), e));
        }
    }
    for sub in &chart.dependencies {
        match vals.get(sub.name()) {
            None | Some(Json::Null) => {}
            Some(m @ Json::Object(_)) => collect(sub, m, sb),
            Some(other) => sb.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                go_type(other)
            )),
        }
    }
}

fn go_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "<nil>",
        Json::Bool(_) => "bool",
        Json::Number(n) if n.is_f64() => "float64",
        Json::Number(_) => "int64",
        Json::String(_) => "string",
        Json::Array(_) => "[]interface {}",
        Json::Object(_) => "map[string]interface {}",
    }
}

/// Validates one values map against one schema document; the error text is the list of
/// failures, one `- at 'PTR': MSG` line each, ending with a newline.
pub fn validate_single(vals: &Values, schema: &[u8]) -> Result<(), String> {
    validate_parsed(&Json::Object(vals.clone()), &parse_schema(schema)?)
}

fn parse_schema(schema: &[u8]) -> Result<Json, String> {
    serde_json::from_slice(schema).map_err(|e| format!("invalid character in schema: {e}"))
}

fn validate_parsed(v: &Json, schema: &Json) -> Result<(), String> {
    let mut errs = Vec::new();
    let mut ctx = Ctx {
        root: schema,
        errs: &mut errs,
        depth: 0,
    };
    ctx.validate(schema, v, "");
    if errs.is_empty() {
        return Ok(());
    }
    let mut out = String::new();
    for e in &errs {
        e.print(&mut out, 0);
    }
    Err(out)
}

/// One failure; a subschema with several failures becomes a `validation failed` node over
/// them, as jsonschema v6 prints it. (Helm's order among siblings follows Go's map
/// iteration, which is random; ours is by property name.)
#[derive(Debug, Clone)]
struct Failure {
    at: String,
    msg: String,
    children: Vec<Failure>,
}

impl Failure {
    fn print(&self, out: &mut String, level: usize) {
        out.push_str(&format!(
            "{}- at '{}': {}\n",
            "  ".repeat(level),
            self.at,
            self.msg
        ));
        for c in &self.children {
            c.print(out, level + 1);
        }
    }
}

struct Ctx<'a> {
    root: &'a Json,
    errs: &'a mut Vec<Failure>,
    depth: usize,
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(n) => {
            if n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                "integer"
            } else {
                "number"
            }
        }
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn num(v: &Json) -> String {
    match v {
        Json::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                format!("{f}")
            }
        }
        other => other.to_string(),
    }
}

fn quote_json(v: &Json) -> String {
    match v {
        Json::String(s) => format!("'{s}'"),
        o => o.to_string(),
    }
}

fn ptr_escape(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['~', '/']) {
        s.replace('~', "~0").replace('/', "~1").into()
    } else {
        s.into()
    }
}

/// The keywords of one schema object this validator reads, found in one pass over its
/// entries: looking each up by name hashed every keyword (SipHash) for every value
/// validated, on every render.
#[derive(Default)]
struct Keywords<'a> {
    ref_: Option<&'a Json>,
    type_: Option<&'a Json>,
    enum_: Option<&'a Json>,
    const_: Option<&'a Json>,
    all_of: Option<&'a Json>,
    any_of: Option<&'a Json>,
    one_of: Option<&'a Json>,
    not: Option<&'a Json>,
    minimum: Option<&'a Json>,
    maximum: Option<&'a Json>,
    exclusive_minimum: Option<&'a Json>,
    exclusive_maximum: Option<&'a Json>,
    multiple_of: Option<&'a Json>,
    min_length: Option<&'a Json>,
    max_length: Option<&'a Json>,
    pattern: Option<&'a Json>,
    min_items: Option<&'a Json>,
    max_items: Option<&'a Json>,
    unique_items: Option<&'a Json>,
    items: Option<&'a Json>,
    required: Option<&'a Json>,
    min_properties: Option<&'a Json>,
    max_properties: Option<&'a Json>,
    properties: Option<&'a Json>,
    pattern_properties: Option<&'a Json>,
    additional_properties: Option<&'a Json>,
}

impl<'a> Keywords<'a> {
    fn of(s: &'a serde_json::Map<String, Json>) -> Keywords<'a> {
        let mut k = Keywords::default();
        for (name, v) in s {
            let slot = match name.as_str() {
                "$ref" => &mut k.ref_,
                "type" => &mut k.type_,
                "enum" => &mut k.enum_,
                "const" => &mut k.const_,
                "allOf" => &mut k.all_of,
                "anyOf" => &mut k.any_of,
                "oneOf" => &mut k.one_of,
                "not" => &mut k.not,
                "minimum" => &mut k.minimum,
                "maximum" => &mut k.maximum,
                "exclusiveMinimum" => &mut k.exclusive_minimum,
                "exclusiveMaximum" => &mut k.exclusive_maximum,
                "multipleOf" => &mut k.multiple_of,
                "minLength" => &mut k.min_length,
                "maxLength" => &mut k.max_length,
                "pattern" => &mut k.pattern,
                "minItems" => &mut k.min_items,
                "maxItems" => &mut k.max_items,
                "uniqueItems" => &mut k.unique_items,
                "items" => &mut k.items,
                "required" => &mut k.required,
                "minProperties" => &mut k.min_properties,
                "maxProperties" => &mut k.max_properties,
                "properties" => &mut k.properties,
                "patternProperties" => &mut k.pattern_properties,
                "additionalProperties" => &mut k.additional_properties,
                _ => continue,
            };
            *slot = Some(v);
        }
        k
    }
}

impl<'r> Ctx<'r> {
    fn fail(&mut self, at: &str, msg: String) {
        self.errs.push(Failure {
            at: at.to_string(),
            msg,
            children: Vec::new(),
        });
    }

    /// Validates a child location; several failures are grouped under one node.
    fn child(&mut self, s: &Json, v: &Json, at: &str) {
        let mut errs = Vec::new();
        let mut sub = Ctx {
            root: self.root,
            errs: &mut errs,
            depth: self.depth,
        };
        sub.validate(s, v, at);
        match errs.len() {
            0 => {}
            1 => self.errs.extend(errs),
            _ => self.errs.push(Failure {
                at: at.to_string(),
                msg: "validation failed".into(),
                children: errs,
            }),
        }
    }

    fn resolve(&self, r: &str) -> Option<&'r Json> {
        let frag = r.strip_prefix('#')?;
        let mut cur: &'r Json = self.root;
        for part in frag.split('/').filter(|p| !p.is_empty()) {
            let part = part.replace("~1", "/").replace("~0", "~");
            cur = match cur {
                Json::Object(m) => m.get(&part)?,
                Json::Array(a) => a.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Whether `v` validates, without recording errors.
    fn valid(&mut self, s: &Json, v: &Json, at: &str) -> bool {
        let mut errs = Vec::new();
        let mut sub = Ctx {
            root: self.root,
            errs: &mut errs,
            depth: self.depth,
        };
        sub.validate(s, v, at);
        errs.is_empty()
    }

    fn validate(&mut self, s: &Json, v: &Json, at: &str) {
        let s = match s {
            Json::Bool(true) => return,
            Json::Bool(false) => {
                self.fail(at, "false schema".into());
                return;
            }
            Json::Object(m) => Keywords::of(m),
            _ => return,
        };
        if let Some(Json::String(r)) = s.ref_ {
            if self.depth < MAX_REF_DEPTH {
                if let Some(target) = self.resolve(r) {
                    self.depth += 1;
                    self.validate(target, v, at);
                    self.depth -= 1;
                }
            }
        }
        if let Some(t) = s.type_ {
            let actual = type_name(v);
            let ok = |want: &str| want == actual || (want == "number" && actual == "integer");
            let (matches, want) = match t {
                Json::String(w) => (ok(w), w.clone()),
                Json::Array(ws) => {
                    let names: Vec<String> = ws
                        .iter()
                        .filter_map(|w| w.as_str().map(String::from))
                        .collect();
                    (names.iter().any(|w| ok(w)), names.join(" or "))
                }
                _ => (true, String::new()),
            };
            if !matches {
                self.fail(at, format!("got {actual}, want {want}"));
                return;
            }
        }
        if let Some(Json::Array(e)) = s.enum_ {
            if !e.iter().any(|x| json_eq(x, v)) {
                let opts: Vec<String> = e.iter().map(quote_json).collect();
                self.fail(at, format!("value must be one of {}", opts.join(", ")));
            }
        }
        if let Some(c) = s.const_ {
            if !json_eq(c, v) {
                self.fail(at, format!("value must be {}", quote_json(c)));
            }
        }
        for (key, subs) in [
            ("allOf", s.all_of),
            ("anyOf", s.any_of),
            ("oneOf", s.one_of),
        ] {
            if let Some(Json::Array(subs)) = subs {
                let results: Vec<bool> = subs.iter().map(|x| self.valid(x, v, at)).collect();
                let n = results.iter().filter(|b| **b).count();
                match key {
                    "allOf" => {
                        for x in subs {
                            self.validate(x, v, at);
                        }
                    }
                    "anyOf" if n == 0 => self.fail(at, "anyOf failed".into()),
                    "oneOf" if n == 0 => self.fail(at, "oneOf failed, none matched".into()),
                    "oneOf" if n > 1 => {
                        let idx: Vec<String> = results
                            .iter()
                            .enumerate()
                            .filter(|(_, b)| **b)
                            .map(|(i, _)| i.to_string())
                            .collect();
                        self.fail(
                            at,
                            format!("oneOf failed, subschemas {} matched", idx.join(", ")),
                        );
                    }
                    _ => {}
                }
            }
        }
        if let Some(n) = s.not {
            if self.valid(n, v, at) {
                self.fail(at, "not failed".into());
            }
        }
        match v {
            Json::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                let get = |k: Option<&Json>| k.and_then(Json::as_f64);
                if let Some(m) = get(s.minimum) {
                    if f < m {
                        self.fail(
                            at,
                            format!(
                                "minimum: got {}, want {}",
                                num(v),
                                num(s.minimum.unwrap_or(&Json::Null))
                            ),
                        );
                    }
                }
                if let Some(m) = get(s.maximum) {
                    if f > m {
                        self.fail(
                            at,
                            format!(
                                "maximum: got {}, want {}",
                                num(v),
                                num(s.maximum.unwrap_or(&Json::Null))
                            ),
                        );
                    }
                }
                if let Some(m) = get(s.exclusive_minimum) {
                    if f <= m {
                        self.fail(
                            at,
                            format!(
                                "exclusiveMinimum: got {}, want {}",
                                num(v),
                                num(s.exclusive_minimum.unwrap_or(&Json::Null))
                            ),
                        );
                    }
                }
                if let Some(m) = get(s.exclusive_maximum) {
                    if f >= m {
                        self.fail(
                            at,
                            format!(
                                "exclusiveMaximum: got {}, want {}",
                                num(v),
                                num(s.exclusive_maximum.unwrap_or(&Json::Null))
                            ),
                        );
                    }
                }
                if let Some(m) = get(s.multiple_of) {
                    if m != 0.0 && (f / m).fract() != 0.0 {
                        self.fail(
                            at,
                            format!(
                                "multipleOf: got {}, want {}",
                                num(v),
                                num(s.multiple_of.unwrap_or(&Json::Null))
                            ),
                        );
                    }
                }
            }
            Json::String(text) => {
                let len = text.chars().count();
                if let Some(m) = s.min_length.and_then(Json::as_u64) {
                    if (len as u64) < m {
                        self.fail(at, format!("minLength: got {len}, want {m}"));
                    }
                }
                if let Some(m) = s.max_length.and_then(Json::as_u64) {
                    if (len as u64) > m {
                        self.fail(at, format!("maxLength: got {len}, want {m}"));
                    }
                }
                if let Some(Json::String(p)) = s.pattern {
                    if let Ok(re) = regex_lite::Regex::new(p) {
                        if !re.is_match(text) {
                            self.fail(at, format!("'{text}' does not match pattern '{p}'"));
                        }
                    }
                }
            }
            Json::Array(items) => {
                if let Some(m) = s.min_items.and_then(Json::as_u64) {
                    if (items.len() as u64) < m {
                        self.fail(at, format!("minItems: got {}, want {m}", items.len()));
                    }
                }
                if let Some(m) = s.max_items.and_then(Json::as_u64) {
                    if (items.len() as u64) > m {
                        self.fail(at, format!("maxItems: got {}, want {m}", items.len()));
                    }
                }
                if s.unique_items == Some(&Json::Bool(true)) {
                    'outer: for i in 0..items.len() {
                        for j in i + 1..items.len() {
                            if json_eq(&items[i], &items[j]) {
                                self.fail(at, format!("items at {i} and {j} are equal"));
                                break 'outer;
                            }
                        }
                    }
                }
                match s.items {
                    Some(Json::Array(tuple)) => {
                        for (i, (it, sch)) in items.iter().zip(tuple).enumerate() {
                            self.child(sch, it, &format!("{at}/{i}"));
                        }
                    }
                    Some(sch) => {
                        for (i, it) in items.iter().enumerate() {
                            self.child(sch, it, &format!("{at}/{i}"));
                        }
                    }
                    None => {}
                }
            }
            Json::Object(obj) => {
                if let Some(Json::Array(req)) = s.required {
                    let missing: Vec<String> = req
                        .iter()
                        .filter_map(|r| r.as_str())
                        .filter(|r| !obj.contains_key(*r))
                        .map(|r| format!("'{r}'"))
                        .collect();
                    if missing.len() == 1 {
                        self.fail(at, format!("missing property {}", missing[0]));
                    } else if !missing.is_empty() {
                        self.fail(at, format!("missing properties {}", missing.join(", ")));
                    }
                }
                if let Some(m) = s.min_properties.and_then(Json::as_u64) {
                    if (obj.len() as u64) < m {
                        self.fail(at, format!("minProperties: got {}, want {m}", obj.len()));
                    }
                }
                if let Some(m) = s.max_properties.and_then(Json::as_u64) {
                    if (obj.len() as u64) > m {
                        self.fail(at, format!("maxProperties: got {}, want {m}", obj.len()));
                    }
                }
                let props = s.properties.and_then(Json::as_object);
                let pattern_props = s.pattern_properties.and_then(Json::as_object);
                let others_read_keys = pattern_props.is_some()
                    || matches!(
                        s.additional_properties,
                        Some(Json::Bool(false) | Json::Object(_))
                    );
                if !others_read_keys {
                    // Only `properties` looks at the keys: the keys both maps have are found
                    // from the smaller one (a chart's values have many keys its schema does
                    // not name), then taken in name order as below.
                    let Some(props) = props else { return };
                    let mut both: Vec<(&String, &Json, &Json)> = if props.len() <= obj.len() {
                        props
                            .iter()
                            .filter_map(|(k, ps)| obj.get(k).map(|val| (k, ps, val)))
                            .collect()
                    } else {
                        obj.iter()
                            .filter_map(|(k, val)| props.get(k).map(|ps| (k, ps, val)))
                            .collect()
                    };
                    both.sort_unstable_by_key(|e| e.0);
                    for (k, ps, val) in both {
                        self.child(ps, val, &format!("{at}/{}", ptr_escape(k)));
                    }
                    return;
                }
                let mut entries: Vec<(&String, &Json)> = obj.iter().collect();
                entries.sort_unstable_by_key(|e| e.0);
                let mut additional = Vec::new();
                for (k, val) in entries {
                    // Built only for a key some subschema looks at (most values keys in a
                    // chart without `additionalProperties` are not).
                    let mut child_at: Option<String> = None;
                    let at_of = |child_at: &mut Option<String>| {
                        child_at.get_or_insert_with(|| format!("{at}/{}", ptr_escape(k)));
                    };
                    let mut matched = false;
                    if let Some(ps) = props.and_then(|p| p.get(k.as_str())) {
                        matched = true;
                        at_of(&mut child_at);
                        self.child(ps, val, child_at.as_deref().unwrap_or(at));
                    }
                    if let Some(pp) = pattern_props {
                        for (pat, ps) in pp {
                            if regex_lite::Regex::new(pat).is_ok_and(|re| re.is_match(k)) {
                                matched = true;
                                at_of(&mut child_at);
                                self.child(ps, val, child_at.as_deref().unwrap_or(at));
                            }
                        }
                    }
                    if !matched {
                        match s.additional_properties {
                            Some(Json::Bool(false)) => additional.push(format!("'{k}'")),
                            Some(sch @ Json::Object(_)) => {
                                at_of(&mut child_at);
                                self.child(sch, val, child_at.as_deref().unwrap_or(at))
                            }
                            _ => {}
                        }
                    }
                }
                if !additional.is_empty() {
                    self.fail(
                        at,
                        format!(
                            "additional properties {} not allowed",
                            additional.join(", ")
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(vals: Json, schema: Json) -> Result<(), String> {
        let vals = vals.as_object().cloned().unwrap_or_default();
        validate_single(&vals, schema.to_string().as_bytes())
    }

    #[test]
    fn properties_are_checked_in_name_order_whichever_map_is_smaller() {
        let schema = json!({"properties": {
            "z": {"type": "string"},
            "a/b": {"type": "string"},
            "m": {"properties": {"n": {"minimum": 1}, "o": {"type": "boolean"}}},
            "unset": {"type": "string"},
        }});
        let want = "- at '/a~1b': got integer, want string\n\
                    - at '/m': validation failed\n  - at '/m/n': minimum: got 0, want 1\n  \
                    - at '/m/o': got string, want boolean\n\
                    - at '/z': got boolean, want string\n";
        // The values have fewer keys than the schema names, then more.
        let few = json!({"z": true, "a/b": 1, "m": {"n": 0, "o": "x"}});
        assert_eq!(check(few.clone(), schema.clone()), Err(want.to_string()));
        let mut many = few;
        for i in 0..10 {
            many[format!("extra{i}")] = json!(i);
        }
        assert_eq!(check(many, schema), Err(want.to_string()));
    }

    #[test]
    fn other_keywords_still_see_every_key() {
        let schema = json!({
            "properties": {"a": {"type": "string"}},
            "additionalProperties": false,
        });
        assert_eq!(
            check(json!({"b": 1, "a": 2, "c": 3}), schema),
            Err("- at '/a': got integer, want string\n\
                 - at '': additional properties 'b', 'c' not allowed\n"
                .into())
        );
        let schema = json!({"patternProperties": {"^x": {"type": "string"}}});
        assert_eq!(
            check(json!({"xa": 1, "ya": 2}), schema),
            Err("- at '/xa': got integer, want string\n".into())
        );
    }
}
