//! Self-consistency: whatever the emitters print must read back as the same data. Random
//! trees come from a fixed-seed generator, so failures are reproducible.

use kubeplay_yaml::{
    emit_json, emit_node, parse_documents, parse_documents_with, to_json, to_json_with,
    EmitOptions, JsonFlavor, JsonOptions, Node, ParseOptions, Resolved, Scalar, ScalarStyle, Value,
};
use serde_json::{json, Map, Value as Json};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces that exercise the quoting rules. Left out: NEL and C1 controls (the JSON round trip
/// of sigs.k8s.io/yaml changes them on purpose) and U+2028/U+2029, which go-yaml reads as
/// line breaks (YAML 1.1) but saphyr-parser as text (YAML 1.2): a known divergence. `<<` is
/// left out too: go-yaml prints a `<<` key plain, which then reads back as a merge key.
const PIECES: &[&str] = &[
    "a",
    "key",
    " ",
    "  ",
    "\n",
    "\t",
    ":",
    ": ",
    "#",
    " #",
    "-",
    "- ",
    "?",
    "*",
    "&",
    "!",
    "|",
    ">",
    "'",
    "\"",
    "\\",
    "%",
    "@",
    "`",
    "{",
    "}",
    "[",
    "]",
    ",",
    "0",
    "1",
    "0x",
    "1e3",
    ".5",
    "true",
    "yes",
    "null",
    "~",
    "---",
    "...",
    "é",
    "😀",
    "\r",
    "\u{FEFF}",
    "2001-12-14",
    "1:20",
    "y",
    "x",
];

fn random_string(r: &mut Rng) -> String {
    let n = r.below(6);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(PIECES[r.below(PIECES.len())]);
    }
    if r.below(10) == 0 {
        // Long text, for folding.
        for i in 0..r.below(40) {
            s.push_str(if i % 7 == 0 { "  " } else { " " });
            s.push_str(PIECES[r.below(PIECES.len())]);
            s.push_str("word");
        }
    }
    s
}

fn random_json(r: &mut Rng, depth: usize) -> Json {
    let pick = if depth > 3 { r.below(5) } else { r.below(8) };
    match pick {
        0 => Json::Null,
        1 => Json::Bool(r.below(2) == 0),
        2 => json!((r.next() as i64) >> r.below(64)),
        3 => json!(((r.next() >> 11) as f64) / 1024.0 - 1e12),
        4 => Json::String(random_string(r)),
        5 => Json::Array((0..r.below(4)).map(|_| random_json(r, depth + 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..r.below(5) {
                m.insert(random_string(r), random_json(r, depth + 1));
            }
            Json::Object(m)
        }
    }
}

/// sigs.k8s.io/yaml turns integral floats into ints on the way out.
fn normalize(v: &Json) -> Json {
    match v {
        Json::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9e15 => json!(f as i64),
            _ => v.clone(),
        },
        Json::Array(a) => Json::Array(a.iter().map(normalize).collect()),
        Json::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), normalize(v))).collect()),
        _ => v.clone(),
    }
}

#[test]
fn sigs_yaml_output_reads_back_as_the_same_json() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let opts = JsonOptions {
        flavor: JsonFlavor::SigsYaml,
        numbers_as_f64: false,
    };
    for case in 0..2000 {
        let v = random_json(&mut r, 0);
        let text = emit_json(&v, &EmitOptions::sigs_yaml()).unwrap();
        let docs = parse_documents_with(&text, "out.yaml", &ParseOptions::helm_values())
            .unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
        let back = to_json_with(&docs[0], &opts).unwrap();
        assert_eq!(normalize(&back), normalize(&v), "case {case}:\n{text}");
    }
}

fn random_node(r: &mut Rng, depth: usize) -> Node {
    let pick = if depth > 3 { 0 } else { r.below(4) };
    match pick {
        0 | 1 => {
            let value = random_string(r);
            let style = [
                ScalarStyle::Plain,
                ScalarStyle::SingleQuoted,
                ScalarStyle::DoubleQuoted,
                ScalarStyle::Literal,
                ScalarStyle::Folded,
            ][r.below(5)];
            let style = if style == ScalarStyle::Folded && more_indented(&value) {
                // go-yaml's folded writer is lossy around more-indented lines (see json.rs).
                ScalarStyle::Literal
            } else {
                style
            };
            let mut n = Node::string(value.clone());
            n.value = Value::Scalar(Scalar {
                value,
                raw: String::new(),
                style,
                resolved: Resolved::Str,
            });
            n
        }
        2 => {
            let mut n =
                Node::sequence((0..r.below(4)).map(|_| random_node(r, depth + 1)).collect());
            if let Value::Sequence(s) = &mut n.value {
                s.flow = r.below(3) == 0;
            }
            n
        }
        _ => {
            let mut entries: Vec<(Node, Node)> = Vec::new();
            for _ in 0..r.below(4) {
                let k = random_node(r, 4);
                let key = k.as_scalar().unwrap().value.clone();
                if entries
                    .iter()
                    .any(|(e, _)| e.as_scalar().unwrap().value == key)
                {
                    continue;
                }
                entries.push((k, random_node(r, depth + 1)));
            }
            let mut n = Node::mapping(entries);
            if let Value::Mapping(m) = &mut n.value {
                m.flow = r.below(3) == 0;
            }
            n
        }
    }
}

fn more_indented(v: &str) -> bool {
    v.starts_with([' ', '\t']) || v.contains("\n ") || v.contains("\n\t") || v.contains("\r ")
}

/// The data a node holds, ignoring how it is written.
fn data(n: &Node) -> Json {
    match &n.value {
        Value::Scalar(s) => Json::String(s.value.clone()),
        Value::Sequence(s) => Json::Array(s.items.iter().map(data).collect()),
        Value::Mapping(m) => Json::Object(
            m.entries
                .iter()
                .map(|(k, v)| (k.as_scalar().unwrap().value.clone(), data(v)))
                .collect(),
        ),
    }
}

#[test]
fn kyaml_output_reads_back_as_the_same_strings() {
    let mut r = Rng(0x2545_f491_4f6c_dd1d);
    for case in 0..2000 {
        let n = random_node(&mut r, 0);
        let text = emit_node(&n, &EmitOptions::kyaml()).unwrap();
        let docs = parse_documents(&text, "out.yaml")
            .unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
        let back = &docs[0];
        assert_eq!(data(back), data(&n), "case {case}:\n{text}");
        // Strings stay strings.
        assert!(to_json(back).is_ok());
    }
}

#[test]
fn emitter_details() {
    let o = EmitOptions::sigs_yaml();
    let e = |v: Json| emit_json(&v, &o).unwrap();
    assert_eq!(e(json!({})), "{}\n");
    assert_eq!(e(json!([])), "[]\n");
    assert_eq!(e(json!(null)), "null\n");
    assert_eq!(e(json!({"a": {"b": []}})), "a:\n  b: []\n");
    assert_eq!(
        e(json!({"l": [[1, 2], {"k": "v"}]})),
        "l:\n- - 1\n  - 2\n- k: v\n"
    );
    assert_eq!(e(json!({"s": "123"})), "s: \"123\"\n");
    assert_eq!(e(json!({"s": "*"})), "s: '*'\n");
    assert_eq!(e(json!({"s": "a\nb"})), "s: |-\n  a\n  b\n");
    assert_eq!(e(json!({"s": " a\n"})), "s: |2\n   a\n");
    assert_eq!(
        e(json!({"f": 1.0, "g": 1e20, "h": 0.5})),
        "f: 1\ng: 1e+20\nh: 0.5\n"
    );
    let long = "x ".repeat(50);
    assert_eq!(
        e(json!({ "k": long.trim_end() })),
        // libyaml breaks at the first space once the column is past 80.
        format!(
            "k: {}\n  {}\n",
            "x ".repeat(40).trim_end(),
            "x ".repeat(10).trim_end()
        )
    );
    let key = "k".repeat(129);
    assert_eq!(e(json!({ key.clone(): 1 })), format!("? {key}\n: 1\n"));
    let err = e_err(json!({"s": "del\u{7f}"}));
    assert_eq!(err, "yaml: control characters are not allowed");
    assert_eq!(e(json!({"s": "a\u{85}b"})), "s: a b\n");

    // kyaml keeps styles.
    let doc =
        &parse_documents("a: 'x'\nb: \"y\"\nc: [1, 2]\nd: |\n  t\ne: !!str 5\n", "f").unwrap()[0];
    assert_eq!(
        emit_node(doc, &EmitOptions::kyaml()).unwrap(),
        "a: 'x'\nb: \"y\"\nc: [1, 2]\nd: |\n  t\ne: !!str 5\n"
    );
}

fn e_err(v: Json) -> String {
    emit_json(&v, &EmitOptions::sigs_yaml())
        .unwrap_err()
        .goyaml()
        .to_string()
}
