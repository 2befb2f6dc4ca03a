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

fn ptr_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl Ctx<'_> {
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

    fn resolve(&self, r: &str) -> Option<&Json> {
        let frag = r.strip_prefix('#')?;
        let mut cur = self.root;
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
            Json::Object(m) => m,
            _ => return,
        };
        if let Some(Json::String(r)) = s.get("$ref") {
            if self.depth < MAX_REF_DEPTH {
                if let Some(target) = self.resolve(r).cloned() {
                    self.depth += 1;
                    self.validate(&target, v, at);
                    self.depth -= 1;
                }
            }
        }
        if let Some(t) = s.get("type") {
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
        if let Some(Json::Array(e)) = s.get("enum") {
            if !e.iter().any(|x| json_eq(x, v)) {
                let opts: Vec<String> = e.iter().map(quote_json).collect();
                self.fail(at, format!("value must be one of {}", opts.join(", ")));
            }
        }
        if let Some(c) = s.get("const") {
            if !json_eq(c, v) {
                self.fail(at, format!("value must be {}", quote_json(c)));
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Json::Array(subs)) = s.get(key) {
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
        if let Some(n) = s.get("not") {
            if self.valid(n, v, at) {
                self.fail(at, "not failed".into());
            }
        }
        match v {
            Json::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                let get = |k: &str| s.get(k).and_then(Json::as_f64);
                if let Some(m) = get("minimum") {
                    if f < m {
                        self.fail(
                            at,
                            format!("minimum: got {}, want {}", num(v), num(&s["minimum"])),
                        );
                    }
                }
                if let Some(m) = get("maximum") {
                    if f > m {
                        self.fail(
                            at,
                            format!("maximum: got {}, want {}", num(v), num(&s["maximum"])),
                        );
                    }
                }
                if let Some(m) = get("exclusiveMinimum") {
                    if f <= m {
                        self.fail(
                            at,
                            format!(
                                "exclusiveMinimum: got {}, want {}",
                                num(v),
                                num(&s["exclusiveMinimum"])
                            ),
                        );
                    }
                }
                if let Some(m) = get("exclusiveMaximum") {
                    if f >= m {
                        self.fail(
                            at,
                            format!(
                                "exclusiveMaximum: got {}, want {}",
                                num(v),
                                num(&s["exclusiveMaximum"])
                            ),
                        );
                    }
                }
                if let Some(m) = get("multipleOf") {
                    if m != 0.0 && (f / m).fract() != 0.0 {
                        self.fail(
                            at,
                            format!("multipleOf: got {}, want {}", num(v), num(&s["multipleOf"])),
                        );
                    }
                }
            }
            Json::String(text) => {
                let len = text.chars().count();
                if let Some(m) = s.get("minLength").and_then(Json::as_u64) {
                    if (len as u64) < m {
                        self.fail(at, format!("minLength: got {len}, want {m}"));
                    }
                }
                if let Some(m) = s.get("maxLength").and_then(Json::as_u64) {
                    if (len as u64) > m {
                        self.fail(at, format!("maxLength: got {len}, want {m}"));
                    }
                }
                if let Some(Json::String(p)) = s.get("pattern") {
                    if let Ok(re) = regex::Regex::new(p) {
                        if !re.is_match(text) {
                            self.fail(at, format!("'{text}' does not match pattern '{p}'"));
                        }
                    }
                }
            }
            Json::Array(items) => {
                if let Some(m) = s.get("minItems").and_then(Json::as_u64) {
                    if (items.len() as u64) < m {
                        self.fail(at, format!("minItems: got {}, want {m}", items.len()));
                    }
                }
                if let Some(m) = s.get("maxItems").and_then(Json::as_u64) {
                    if (items.len() as u64) > m {
                        self.fail(at, format!("maxItems: got {}, want {m}", items.len()));
                    }
                }
                if s.get("uniqueItems") == Some(&Json::Bool(true)) {
                    'outer: for i in 0..items.len() {
                        for j in i + 1..items.len() {
                            if json_eq(&items[i], &items[j]) {
                                self.fail(at, format!("items at {i} and {j} are equal"));
                                break 'outer;
                            }
                        }
                    }
                }
                match s.get("items") {
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
                if let Some(Json::Array(req)) = s.get("required") {
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
                if let Some(m) = s.get("minProperties").and_then(Json::as_u64) {
                    if (obj.len() as u64) < m {
                        self.fail(at, format!("minProperties: got {}, want {m}", obj.len()));
                    }
                }
                if let Some(m) = s.get("maxProperties").and_then(Json::as_u64) {
                    if (obj.len() as u64) > m {
                        self.fail(at, format!("maxProperties: got {}, want {m}", obj.len()));
                    }
                }
                let props = s.get("properties").and_then(Json::as_object);
                let pattern_props = s.get("patternProperties").and_then(Json::as_object);
                let mut keys: Vec<&String> = obj.keys().collect();
                keys.sort();
                let mut additional = Vec::new();
                for k in keys {
                    let val = &obj[k.as_str()];
                    let child_at = format!("{at}/{}", ptr_escape(k));
                    let mut matched = false;
                    if let Some(ps) = props.and_then(|p| p.get(k.as_str())) {
                        matched = true;
                        self.child(ps, val, &child_at);
                    }
                    if let Some(pp) = pattern_props {
                        for (pat, ps) in pp {
                            if regex::Regex::new(pat).is_ok_and(|re| re.is_match(k)) {
                                matched = true;
                                self.child(ps, val, &child_at);
                            }
                        }
                    }
                    if !matched {
                        match s.get("additionalProperties") {
                            Some(Json::Bool(false)) => additional.push(format!("'{k}'")),
                            Some(sch @ Json::Object(_)) => self.child(sch, val, &child_at),
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
