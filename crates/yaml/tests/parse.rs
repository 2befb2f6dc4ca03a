//! Parser behaviour: positions, styles, go-yaml errors, limits, merge keys, JSON conversion.

use kubeplay_yaml::{
    parse_documents, parse_documents_with, to_json, to_json_with, DuplicateKeys, JsonFlavor,
    JsonOptions, Limits, ParseOptions, Resolved, ScalarStyle, Schema, Value,
};
use serde_json::json;

const DEPLOY: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # a comment
  labels: {app: web, tier: \"front\"}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: nginx
        image: 'nginx:1.25'
        args:
          - |
            line one
            line two
          - >-
            folded
            text
";

#[test]
fn parses_a_manifest_with_positions_and_styles() {
    let docs = parse_documents(DEPLOY, "deploy.yaml").unwrap();
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    let m = d.as_mapping().unwrap();
    let keys: Vec<_> = m.entries.iter().map(|(k, _)| k.as_str().unwrap()).collect();
    assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec"]);

    let name = d.get("metadata").unwrap().get("name").unwrap();
    assert_eq!(name.as_str(), Some("web"));
    assert_eq!((name.pos.line, name.pos.column), (4, 9));
    assert_eq!(&DEPLOY[name.pos.offset..name.pos.offset + 3], "web");

    let (meta_key, _) = &m.entries[2];
    assert_eq!((meta_key.pos.line, meta_key.pos.column), (3, 1));

    let labels = d.get("metadata").unwrap().get("labels").unwrap();
    assert!(labels.as_mapping().unwrap().flow);
    let tier = labels.get("tier").unwrap().as_scalar().unwrap();
    assert_eq!(tier.style, ScalarStyle::DoubleQuoted);
    assert_eq!(tier.raw, "\"front\"");

    let replicas = d.get("spec").unwrap().get("replicas").unwrap();
    assert_eq!(replicas.as_scalar().unwrap().resolved, Resolved::Int(3));

    let c = &d
        .get("spec")
        .unwrap()
        .get("template")
        .unwrap()
        .get("spec")
        .unwrap();
    let c0 = &c.get("containers").unwrap().as_sequence().unwrap().items[0];
    let image = c0.get("image").unwrap().as_scalar().unwrap();
    assert_eq!(image.value, "nginx:1.25");
    assert_eq!(image.style, ScalarStyle::SingleQuoted);
    assert_eq!(image.raw, "'nginx:1.25'");

    let args = &c0.get("args").unwrap().as_sequence().unwrap().items;
    let lit = args[0].as_scalar().unwrap();
    assert_eq!(lit.value, "line one\nline two\n");
    assert_eq!(lit.style, ScalarStyle::Literal);
    assert_eq!((args[0].pos.line, args[0].pos.column), (14, 13));
    assert!(lit.raw.starts_with('|'));
    let folded = args[1].as_scalar().unwrap();
    assert_eq!(folded.value, "folded text");
    assert_eq!(folded.style, ScalarStyle::Folded);
    assert_eq!((args[1].pos.line, args[1].pos.column), (17, 13));
}

#[test]
fn byte_offsets_count_bytes_not_characters() {
    let src = "é: ü\nnext: \"ç\"\n";
    let docs = parse_documents(src, "u.yaml").unwrap();
    let next = docs[0].get("next").unwrap();
    assert_eq!((next.pos.line, next.pos.column), (2, 7));
    assert_eq!(&src[next.pos.offset..], "\"ç\"\n");
}

#[test]
fn documents_and_empty_documents() {
    assert!(parse_documents("", "f").unwrap().is_empty());
    assert!(parse_documents("# only a comment\n", "f")
        .unwrap()
        .is_empty());
    let docs = parse_documents("a: 1\n---\n---\nb: 2\n", "f").unwrap();
    assert_eq!(docs.len(), 3);
    assert!(docs[1].is_null());
    assert_eq!(docs[2].get("b").unwrap().pos.line, 4);
}

#[test]
fn tags_are_short_and_checked() {
    let docs = parse_documents("a: !!str 1\nb: !!int \"2\"\nc: !custom x\n", "f").unwrap();
    let a = docs[0].get("a").unwrap();
    assert_eq!(a.tag.as_deref(), Some("!!str"));
    assert_eq!(a.as_scalar().unwrap().resolved, Resolved::Str);
    assert_eq!(a.as_scalar().unwrap().raw, "1");
    let b = docs[0].get("b").unwrap();
    assert_eq!(b.as_scalar().unwrap().resolved, Resolved::Int(2));
    assert_eq!(docs[0].get("c").unwrap().tag.as_deref(), Some("!custom"));
    let err = parse_documents("a: !!int abc\n", "f").unwrap_err();
    assert_eq!(err.message, "cannot decode !!str `abc` as a !!int");
}

#[test]
fn schemas_differ_on_yaml11_booleans() {
    let src = "a: yes\nb: on\nc: 0777\n";
    let v3 = to_json(&parse_documents(src, "f").unwrap()[0]).unwrap();
    assert_eq!(v3, json!({"a": "yes", "b": "on", "c": 511}));
    let opts = ParseOptions::helm_values();
    let v2 = parse_documents_with(src, "f", &opts).unwrap();
    assert_eq!(
        to_json(&v2[0]).unwrap(),
        json!({"a": true, "b": true, "c": 511})
    );
}

// go-yaml errors, with the wording kustomize shows.
#[test]
fn errors_have_goyaml_wording_and_positions() {
    let e = parse_documents("data:\n  a: x\n  b: y: z\n", "x.yaml").unwrap_err();
    assert_eq!(e.message, "mapping values are not allowed in this context");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.to_string(),
        format!("x.yaml:3:{}: {}", e.column, e.message)
    );
    assert_eq!(
        e.goyaml(),
        "yaml: line 3: mapping values are not allowed in this context"
    );

    let e = parse_documents("data:\n  a: x\n b: y\n", "x.yaml").unwrap_err();
    assert_eq!(e.message, "did not find expected key");
    assert_eq!(e.line, 3);

    let e = parse_documents("a: *nope\n", "x.yaml").unwrap_err();
    assert!(e.message.contains("unknown anchor"), "{e}");

    let e = parse_documents("a:\n\tb: 1\n", "x.yaml").unwrap_err();
    assert_eq!(e.message, "found character that cannot start any token");

    let e = parse_documents("a: \"open\n", "x.yaml").unwrap_err();
    assert_eq!(e.message, "found unexpected end of stream");
}

#[test]
fn duplicate_keys() {
    let src = "data:\n  a: x\n  b: y\n  a: z\n";
    let e = parse_documents(src, "x.yaml").unwrap_err();
    assert_eq!(e.message, "mapping key \"a\" already defined at line 2");
    assert_eq!((e.line, e.column), (4, 3));
    let opts = ParseOptions {
        duplicate_keys: DuplicateKeys::LastWins,
        ..ParseOptions::default()
    };
    let d = parse_documents_with(src, "x.yaml", &opts).unwrap();
    assert_eq!(
        to_json(&d[0]).unwrap(),
        json!({"data": {"a": "z", "b": "y"}})
    );
    // 1 and "1" are different keys for go-yaml.
    assert!(parse_documents("1: a\n\"1\": b\n", "f").is_ok());
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let src = "\
base: &b {x: 1, y: 2}
other: &o {y: 20, z: 30}
one:
  <<: *b
  y: 3
many:
  w: 0
  <<: [*b, *o]
  x: 9
alias: *b
";
    let d = &parse_documents(src, "f").unwrap()[0];
    let j = to_json(d).unwrap();
    assert_eq!(j["one"], json!({"x": 1, "y": 3}));
    assert_eq!(j["many"], json!({"w": 0, "x": 9, "y": 2, "z": 30}));
    assert_eq!(j["alias"], json!({"x": 1, "y": 2}));
    // Merged keys take the place of `<<`.
    let keys: Vec<_> = d
        .get("many")
        .unwrap()
        .as_mapping()
        .unwrap()
        .entries
        .iter()
        .map(|(k, _)| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["w", "y", "z", "x"]);
    let e = parse_documents("a: &a 1\nb:\n  <<: *a\n", "f").unwrap_err();
    assert_eq!(
        e.message,
        "map merge requires map or sequence of maps as the value"
    );
    // Anchors do not cross documents.
    assert!(parse_documents("a: &x 1\n---\nb: *x\n", "f").is_err());
    // An anchor may be redefined; aliases see the latest.
    let d = &parse_documents("a: &x 1\nb: &x 2\nc: *x\n", "f").unwrap()[0];
    assert_eq!(to_json(d).unwrap()["c"], json!(2));
}

#[test]
fn billion_laughs_is_refused() {
    let mut src = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        src.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n",
            p = prev
        ));
        prev = n;
    }
    let e = parse_documents(&src, "lol.yaml").unwrap_err();
    assert_eq!(e.message, "document contains excessive aliasing");
    assert_eq!(e.file, "lol.yaml");
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    for open in ["[", "{a: ", "- "] {
        let src = open.repeat(100_000);
        let e = parse_documents(&src, "deep.yaml").unwrap_err();
        assert!(!e.message.is_empty());
    }
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let opts = ParseOptions {
        limits,
        ..ParseOptions::default()
    };
    assert!(parse_documents_with("a: {b: {c: 1}}", "f", &opts).is_ok());
    let e = parse_documents_with("a: {b: {c: {d: 1}}}", "f", &opts).unwrap_err();
    assert_eq!(e.message, "exceeded max depth of 3");
    let e = parse_documents_with("x: &x {b: {c: 1}}\ny: [[*x]]", "f", &opts).unwrap_err();
    assert_eq!(e.message, "exceeded max depth of 3");
}

#[test]
fn input_size_limit() {
    let opts = ParseOptions {
        limits: Limits {
            max_input_bytes: 10,
            ..Limits::default()
        },
        ..ParseOptions::default()
    };
    assert!(parse_documents_with("a: 123456789", "f", &opts).is_err());
}

/// Deterministic pseudo-random garbage: the parser must return (Ok or Err), never panic.
#[test]
fn garbage_never_panics() {
    let alphabet: Vec<char> = "ab: -?[]{},&*!|>'\"#%@`\n\t \\\r\u{feff}é0.~<"
        .chars()
        .collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let len = (seed % 60) as usize;
        let mut s = String::new();
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        if let Ok(docs) = parse_documents(&s, "g") {
            for d in &docs {
                let _ = to_json(d);
            }
        }
    }
}

#[test]
fn ten_megabytes() {
    let mut src = String::new();
    let mut i = 0;
    while src.len() < 10 * 1024 * 1024 {
        src.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  key: \"value {i}\"\n  list: [1, 2, 3]\n"
        ));
        i += 1;
    }
    let docs = parse_documents(&src, "big.yaml").unwrap();
    assert_eq!(docs.len(), i);
}

#[test]
fn json_conversion() {
    let src = "\
int: 12
big: 12345678901234567890
float: 1.5
exp: 1e3
nil: ~
empty:
bool: true
date: 2001-12-14
str: \"123\"
1: one
seq: [a, {b: c}]
";
    let d = &parse_documents(src, "f").unwrap()[0];
    let j = to_json(d).unwrap();
    assert_eq!(
        j,
        json!({"int": 12, "big": 12345678901234567890u64, "float": 1.5, "exp": 1000.0,
               "nil": null, "empty": null, "bool": true, "date": "2001-12-14T00:00:00Z",
               "str": "123", "1": "one", "seq": ["a", {"b": "c"}]})
    );
    // Key order is kept.
    let keys: Vec<_> = j.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys[0], "int");
    assert_eq!(keys[9], "1");

    let sigs = JsonOptions {
        flavor: JsonFlavor::SigsYaml,
        numbers_as_f64: true,
    };
    let j = to_json_with(d, &sigs).unwrap();
    assert_eq!(j["date"], json!("2001-12-14"));
    assert_eq!(j["int"], json!(12.0));

    let e = to_json(&parse_documents("a: .inf\n", "f").unwrap()[0]).unwrap_err();
    assert_eq!(e.message, "json: unsupported value: +Inf");
    let e = to_json_with(&parse_documents("~: a\n", "f").unwrap()[0], &sigs).unwrap_err();
    assert!(e.message.starts_with("unsupported map key"));

    // from_json builds typed plain scalars in key order.
    let n = kubeplay_yaml::from_json(&json!({"z": 1, "a": [true, null, "s", 2.5]}));
    let m = n.as_mapping().unwrap();
    assert_eq!(m.entries[0].0.as_str(), Some("z"));
    assert!(matches!(&m.entries[1].1.value, Value::Sequence(s) if s.items.len() == 4));
    assert_eq!(
        to_json(&n).unwrap(),
        json!({"z": 1, "a": [true, null, "s", 2.5]})
    );
}

#[test]
fn v3_schema_is_default() {
    assert_eq!(ParseOptions::default().schema, Schema::GoYamlV3);
}

#[test]
fn go_yaml_compatibility_patches() {
    // key:<TAB>value is fine for go-yaml.
    let d = &parse_documents("a:\tb\nc:\t\td\n", "f").unwrap()[0];
    assert_eq!(to_json(d).unwrap(), json!({"a": "b", "c": "d"}));
    assert_eq!(d.get("c").unwrap().pos.column, 5);
    // Tabs inside scalars are kept.
    let d = &parse_documents("a: \"x:\ty\"\n", "f").unwrap()[0];
    assert_eq!(to_json(d).unwrap(), json!({"a": "x:\ty"}));

    // go-yaml has no \/ escape.
    let e = parse_documents("a: 1\nb: \"x\\/y\"\n", "f").unwrap_err();
    assert_eq!(e.goyaml(), "yaml: line 2: found unknown escape character");

    // Raw control characters are refused before parsing.
    let e = parse_documents("a: 1\nb: x\u{7f}\n", "f").unwrap_err();
    assert_eq!((e.line, e.column), (2, 5));
    assert_eq!(e.goyaml(), "yaml: control characters are not allowed");

    // !!binary is decoded.
    let d =
        &parse_documents("a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\n", "f").unwrap()[0];
    assert_eq!(to_json(d).unwrap(), json!({"a": "hello", "b": "hello"}));
    let d = &parse_documents("a: !!binary '!!'\n", "f").unwrap()[0];
    assert!(to_json(d).is_err());

    // go-yaml's line numbers: 0-based for parser errors (its off-by-one), as kustomize shows.
    let e = parse_documents("a:\n  b: x\n c: y\n", "f").unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(e.goyaml(), "yaml: line 2: did not find expected key");
    let e = parse_documents("a: *x\n", "f").unwrap_err();
    assert_eq!(e.goyaml(), "yaml: unknown anchor 'x' referenced");
    let e = parse_documents("a: 1\na: 2\n", "f").unwrap_err();
    assert_eq!(
        e.goyaml(),
        "yaml: unmarshal errors:\n  line 2: mapping key \"a\" already defined at line 1"
    );
}

#[test]
fn kyaml_json_round_trip_quirks() {
    // kustomize writes nodes with go-yaml v3 and reads them back before making JSON.
    let d = &parse_documents("a: {x: , y}\nb: [~]\nc: >\n  p\n    q\n", "f").unwrap()[0];
    assert_eq!(
        to_json(d).unwrap(),
        json!({"a": {"x": "", "y": ""}, "b": [null], "c": "p\n\n  q\n"})
    );
    // Helm's reader has no such step.
    let opts = JsonOptions {
        flavor: JsonFlavor::SigsYaml,
        numbers_as_f64: false,
    };
    assert_eq!(
        to_json_with(d, &opts).unwrap(),
        json!({"a": {"x": null, "y": null}, "b": [null], "c": "p\n  q\n"})
    );
}

#[test]
fn quoted_continuation_lines_need_no_indentation() {
    // go-yaml (libyaml) does not check it; saphyr does, so the parser indents them itself.
    let src = "a:\n  b: \"x\n  y\nz\"\n  c: 'p\nq'\nd: [\"m\nn\", o]\n";
    let d = &parse_documents(src, "f").unwrap()[0];
    assert_eq!(
        to_json(d).unwrap(),
        json!({"a": {"b": "x y z", "c": "p q"}, "d": ["m n", "o"]})
    );
    let c = d.get("a").unwrap().get("c").unwrap();
    assert_eq!((c.pos.line, c.pos.column), (5, 6));
    assert_eq!(&src[c.pos.offset..c.pos.offset + 2], "'p");
    let dd = d.get("d").unwrap();
    assert_eq!(&src[dd.pos.offset..dd.pos.offset + 2], "[\"");
    let e = parse_documents("a: 1\nb: \"open\nc: 2\n", "f").unwrap_err();
    assert_eq!(e.message, "found unexpected end of stream");
}

#[test]
fn go_yaml_extensions_saphyr_lacks() {
    // `\'` in double quotes and a BOM inside a document are accepted by go-yaml.
    let src = "a: \"it\\'s\"\nb: x\u{FEFF}y\nc: \"\\v\"\n";
    let d = &parse_documents(src, "f").unwrap()[0];
    assert_eq!(
        to_json(d).unwrap(),
        json!({"a": "it's", "b": "x\u{FEFF}y", "c": "\u{0B}"})
    );
    assert_eq!(d.get("a").unwrap().as_scalar().unwrap().raw, "\"it\\'s\"");
    let e = parse_documents("a: \"bad \\q escape\"\n", "f").unwrap_err();
    assert_eq!(e.message, "found unknown escape character");
}
