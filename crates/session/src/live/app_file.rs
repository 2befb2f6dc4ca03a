//! An `ignoreDifferences` rule written into the Application's file, as a text insertion:
//! the file keeps its comments, key order, quoting and indentation, and only the new lines
//! (or the new flow item) appear. The page applies the result to its workspace, so the
//! editor, autosave, share links and the next commit all carry the rule.
//!
//! Where the rule goes: appended to an existing `spec.ignoreDifferences` list (block or
//! flow), or a new `ignoreDifferences` key at the end of `spec`, indented as `spec`'s other
//! keys are, with lists written the way the file writes them (indented or not).

use kubeplay_views::diff_view::IgnoreRule;
use kubeplay_yaml::{Node, ScalarStyle, Value as Y};
use serde::{Deserialize, Serialize};

/// A rule the page writes into an Application's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppFileEdit {
    /// The workspace file the Application came from.
    pub path: String,
    pub app: String,
    pub rule: IgnoreRule,
}

impl AppFileEdit {
    /// The file's new text: `text` with the rule added to the app's Application.
    pub fn apply(&self, text: &str) -> Result<String, String> {
        add_ignore_rule(text, &self.path, &self.app, &self.rule)
    }
}

/// `text` (a YAML file, possibly of several documents) with `rule` added to the
/// `spec.ignoreDifferences` of the Application named `app`. A rule already there leaves the
/// text as it is.
pub fn add_ignore_rule(
    text: &str,
    path: &str,
    app: &str,
    rule: &IgnoreRule,
) -> Result<String, String> {
    let docs = kubeplay_yaml::parse_documents(text, path)
        .map_err(|e| format!("{path} does not parse, so the rule cannot be added: {e}"))?;
    let doc = docs
        .iter()
        .find(|d| is_application(d, app))
        .ok_or_else(|| format!("{path} has no Application named {app:?} any more"))?;
    let spec = get(doc, "spec").ok_or_else(|| format!("the Application {app} has no spec"))?;
    let Y::Mapping(spec_map) = &spec.1.value else {
        return Err(format!("spec of the Application {app} is not a mapping"));
    };
    let style = Style::of(text, doc);
    if spec_map.flow {
        let json_keys = spec_map
            .entries
            .first()
            .is_some_and(|(k, _)| key_style(k) == ScalarStyle::DoubleQuoted);
        let key = if json_keys {
            "\"ignoreDifferences\""
        } else {
            "ignoreDifferences"
        };
        return insert_flow_item(
            text,
            spec.1.pos.offset,
            &format!("{key}: [{}]", flow_rule(rule)),
        );
    }
    let Some((key, list)) = get(&spec.1, "ignoreDifferences") else {
        // A new key after spec's last line, at the column of spec's keys.
        let first = &spec_map.entries[0].0;
        let col = column0(text, first.pos.offset);
        let at = block_end(text, first.pos.offset, col, false);
        let dash = col + style.seq_indent;
        let mut lines = format!("{}ignoreDifferences:\n", " ".repeat(col));
        lines.push_str(&block_rule(rule, dash, style.seq_indent));
        return Ok(insert_lines(text, at, &lines));
    };
    if already_there(list, rule) {
        return Ok(text.to_string());
    }
    match &list.value {
        Y::Sequence(s) if s.flow => insert_flow_item(text, list.pos.offset, &flow_rule(rule)),
        Y::Sequence(s) if !s.items.is_empty() => {
            let dash = dash_column(text, s.items[0].pos.offset).ok_or_else(|| {
                format!("cannot tell where the items of {app}'s ignoreDifferences start")
            })?;
            let at = block_end(text, line_start(text, s.items[0].pos.offset), dash, true);
            Ok(insert_lines(
                text,
                at,
                &block_rule(rule, dash, style.seq_indent),
            ))
        }
        Y::Scalar(sc) if sc.raw.is_empty() => {
            // `ignoreDifferences:` with nothing after it: the items go under the key.
            let col = column0(text, key.pos.offset);
            let at = line_end(text, key.pos.offset);
            Ok(insert_lines(
                text,
                at,
                &block_rule(rule, col + style.seq_indent, style.seq_indent),
            ))
        }
        _ => Err(format!(
            "spec.ignoreDifferences of the Application {app} is not a list"
        )),
    }
}

fn is_application(doc: &Node, app: &str) -> bool {
    let s = |n: Option<&(Node, Node)>| match n.map(|(_, v)| &v.value) {
        Some(Y::Scalar(s)) => Some(s.value.clone()),
        _ => None,
    };
    s(get(doc, "kind")).as_deref() == Some("Application")
        && s(get(doc, "apiVersion")).is_some_and(|a| a.starts_with("argoproj.io/"))
        && get(doc, "metadata")
            .and_then(|(_, m)| s(get(m, "name")))
            .as_deref()
            == Some(app)
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a (Node, Node)> {
    match &node.value {
        Y::Mapping(m) => m
            .entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Y::Scalar(s) if s.value == key)),
        _ => None,
    }
}

fn key_style(k: &Node) -> ScalarStyle {
    match &k.value {
        Y::Scalar(s) => s.style,
        _ => ScalarStyle::Plain,
    }
}

fn already_there(list: &Node, rule: &IgnoreRule) -> bool {
    let want = rule.to_json();
    kubeplay_yaml::to_json(list)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .is_some_and(|items| items.contains(&want))
}

/// How the file writes block lists: the items' indentation under their key (0 for
/// `key:\n- item`, as kubectl and Argo CD's docs write them).
struct Style {
    seq_indent: usize,
}

impl Style {
    /// From the first block list under a key in the document; unindented (Argo CD's
    /// documentation's way) when the document has none.
    fn of(text: &str, doc: &Node) -> Style {
        Style {
            seq_indent: first_seq_indent(text, doc).unwrap_or(0),
        }
    }
}

fn first_seq_indent(text: &str, node: &Node) -> Option<usize> {
    let Y::Mapping(m) = &node.value else {
        if let Y::Sequence(s) = &node.value {
            return s.items.iter().find_map(|i| first_seq_indent(text, i));
        }
        return None;
    };
    for (k, v) in &m.entries {
        if let Y::Sequence(s) = &v.value {
            if !s.flow && !s.items.is_empty() && !m.flow {
                let key_col = column0(text, k.pos.offset);
                if let Some(dash) = dash_column(text, s.items[0].pos.offset) {
                    if dash >= key_col
                        && line_start(text, k.pos.offset) != line_start(text, s.items[0].pos.offset)
                    {
                        return Some(dash - key_col);
                    }
                }
            }
        }
        if let Some(n) = first_seq_indent(text, v) {
            return Some(n);
        }
    }
    None
}

/// A scalar as a block or flow value: plain when it reads back as the same string, else
/// double-quoted (JSON's escaping is YAML's).
fn scalar(s: &str) -> String {
    let plain_char = |c: char| c.is_ascii_alphanumeric() || "/._~-".contains(c);
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
    );
    if first_ok && !reserved && s.chars().all(plain_char) {
        s.to_string()
    } else {
        serde_json::Value::from(s).to_string()
    }
}

/// The rule's fields in the order Argo CD's documentation writes them.
fn fields(rule: &IgnoreRule) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    if !rule.group.is_empty() {
        out.push(("group", rule.group.as_str()));
    }
    out.push(("kind", rule.kind.as_str()));
    if !rule.name.is_empty() {
        out.push(("name", rule.name.as_str()));
    }
    if !rule.namespace.is_empty() {
        out.push(("namespace", rule.namespace.as_str()));
    }
    out
}

/// The rule as a block list item whose dash is at column `dash` (0-based).
fn block_rule(rule: &IgnoreRule, dash: usize, seq_indent: usize) -> String {
    let inner = " ".repeat(dash + 2);
    let mut out = String::new();
    for (i, (k, v)) in fields(rule).into_iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("{}- {k}: {}\n", " ".repeat(dash), scalar(v)));
        } else {
            out.push_str(&format!("{inner}{k}: {}\n", scalar(v)));
        }
    }
    out.push_str(&format!("{inner}jsonPointers:\n"));
    out.push_str(&format!(
        "{inner}{}- {}\n",
        " ".repeat(seq_indent),
        scalar(&rule.json_pointer)
    ));
    out
}

/// The rule as a flow mapping (JSON, which every YAML flow context reads).
fn flow_rule(rule: &IgnoreRule) -> String {
    let mut parts: Vec<String> = fields(rule)
        .into_iter()
        .map(|(k, v)| format!("\"{k}\": {}", serde_json::Value::from(v)))
        .collect();
    parts.push(format!(
        "\"jsonPointers\": [{}]",
        serde_json::Value::from(rule.json_pointer.as_str())
    ));
    format!("{{{}}}", parts.join(", "))
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset just past the line's newline (or the end of the text).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// 0-based column of an offset (block keys and dashes have only spaces and dashes before
/// them, so bytes are characters).
fn column0(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

/// The column of the dash that starts the list item at `offset`.
fn dash_column(text: &str, offset: usize) -> Option<usize> {
    let start = line_start(text, offset);
    let before = &text[start..offset];
    let dash = before.rfind('-')?;
    before[..dash]
        .chars()
        .all(|c| c == ' ' || c == '-')
        .then_some(dash)
}

/// Where a block collection ends: the offset just past its last content line. `from` is in
/// its first line; `col` is the column of its keys (or dashes, for a list). Blank lines and
/// comments belong to what follows them, so a trailing comment stays where it is.
fn block_end(text: &str, from: usize, col: usize, list: bool) -> usize {
    let mut end = line_end(text, from);
    let mut at = end;
    while at < text.len() {
        let next = line_end(text, at);
        let line = text[at..next].trim_end_matches(['\n', '\r']);
        at = next;
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") {
            break;
        }
        let indent = line.len() - body.len();
        let belongs =
            indent > col || (indent == col && (!list || body == "-" || body.starts_with("- ")));
        if !belongs {
            break;
        }
        end = next;
    }
    end
}

/// `lines` (each ending in a newline) inserted at a line start `at`.
fn insert_lines(text: &str, at: usize, lines: &str) -> String {
    let mut out = String::with_capacity(text.len() + lines.len() + 1);
    out.push_str(&text[..at]);
    if at > 0 && !text[..at].ends_with('\n') {
        out.push('\n');
    }
    out.push_str(lines);
    out.push_str(&text[at..]);
    out
}

/// `item` added as the last entry of the flow collection that opens at or after `from`.
fn insert_flow_item(text: &str, from: usize, item: &str) -> Result<String, String> {
    let open = from
        + text[from..]
            .find(['{', '['])
            .ok_or("no flow collection where the parser saw one")?;
    let close = flow_close(text, open).ok_or("a flow collection is not closed")?;
    let inner = &text[open + 1..close];
    let last = inner.trim_end();
    let at = open + 1 + last.len();
    let sep = if last.trim().is_empty() || last.ends_with(',') {
        ""
    } else {
        ", "
    };
    Ok(format!("{}{sep}{item}{}", &text[..at], &text[at..]))
}

/// The offset of the bracket closing the one at `open`, skipping quoted text and comments.
fn flow_close(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'\'' => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule() -> IgnoreRule {
        IgnoreRule {
            group: "apps".into(),
            kind: "Deployment".into(),
            name: "web".into(),
            namespace: "default".into(),
            json_pointer: "/spec/replicas".into(),
        }
    }

    fn add(text: &str) -> String {
        add_ignore_rule(text, "/apps/web.yaml", "web", &rule()).unwrap()
    }

    /// The Application named web in the text, as JSON.
    fn app_json(text: &str) -> serde_json::Value {
        kubeplay_yaml::parse_documents(text, "t")
            .unwrap()
            .iter()
            .map(|d| kubeplay_yaml::to_json(d).unwrap())
            .find(|v| v["kind"] == "Application" && v["metadata"]["name"] == "web")
            .unwrap()
    }

    fn want_rule() -> serde_json::Value {
        json!({"group": "apps", "kind": "Deployment", "name": "web", "namespace": "default",
               "jsonPointers": ["/spec/replicas"]})
    }

    const BLOCK2: &str = "\
# The web app.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  project: default  # the default project
  source:
    path: overlays/dev
  syncPolicy:
    syncOptions:
    - CreateNamespace=true

# trailing comment
";

    #[test]
    fn a_new_key_goes_at_the_end_of_spec_with_the_files_indentation() {
        let out = add(BLOCK2);
        assert_eq!(
            out,
            "\
# The web app.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  project: default  # the default project
  source:
    path: overlays/dev
  syncPolicy:
    syncOptions:
    - CreateNamespace=true
  ignoreDifferences:
  - group: apps
    kind: Deployment
    name: web
    namespace: default
    jsonPointers:
    - /spec/replicas

# trailing comment
"
        );
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([want_rule()])
        );
    }

    #[test]
    fn indentation_four_and_indented_lists_are_kept() {
        let text = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
    name: web
spec:
    project: default
    syncPolicy:
        syncOptions:
            - CreateNamespace=true
status: {}
";
        let out = add(text);
        assert_eq!(
            out,
            "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
    name: web
spec:
    project: default
    syncPolicy:
        syncOptions:
            - CreateNamespace=true
    ignoreDifferences:
        - group: apps
          kind: Deployment
          name: web
          namespace: default
          jsonPointers:
              - /spec/replicas
status: {}
"
        );
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([want_rule()])
        );
    }

    #[test]
    fn an_existing_block_list_gets_one_more_item() {
        let text = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web}
spec:
  ignoreDifferences:
    # keep the HPA's replicas
    - group: apps
      kind: Deployment
      jsonPointers:
        - /spec/replicas
      # trailing comment of the item
  project: default
";
        let out = add(text);
        // The new item follows the last one's last line; comments stay where they were.
        assert!(
            out.contains(
                "        - /spec/replicas\n    - group: apps\n      kind: Deployment\n      name: web\n"
            ),
            "{out}"
        );
        assert!(out.contains("    # keep the HPA's replicas\n    - group: apps\n"));
        assert!(
            out.ends_with(
                "        - /spec/replicas\n      # trailing comment of the item\n  project: default\n"
            ),
            "{out}"
        );
        let list = &app_json(&out)["spec"]["ignoreDifferences"];
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert_eq!(list[1], want_rule());
    }

    #[test]
    fn flow_lists_and_flow_specs_get_a_json_item() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  ignoreDifferences: []   # none yet\n  project: default\n";
        let out = add(text);
        assert!(out.contains("  ignoreDifferences: [{\"group\": \"apps\", \"kind\": \"Deployment\", \"name\": \"web\", \"namespace\": \"default\", \"jsonPointers\": [\"/spec/replicas\"]}]   # none yet\n"), "{out}");
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([want_rule()])
        );

        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec: {project: default, source: {path: 'a, ]'}}\n";
        let out = add(text);
        assert!(out.starts_with("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec: {project: default, source: {path: 'a, ]'}, ignoreDifferences: [{"), "{out}");
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([want_rule()])
        );
        assert_eq!(app_json(&out)["spec"]["source"]["path"], "a, ]");

        // A JSON file stays JSON.
        let text = "{\"apiVersion\": \"argoproj.io/v1alpha1\", \"kind\": \"Application\",\n \"metadata\": {\"name\": \"web\"},\n \"spec\": {\"project\": \"default\"}}\n";
        let out = add(text);
        let v: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(v["spec"]["ignoreDifferences"], json!([want_rule()]));
    }

    #[test]
    fn the_right_document_of_a_multi_document_file() {
        let other = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: other\nspec:\n  project: default\n";
        let text = format!("{other}---\n# web\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
        let out = add(&text);
        assert!(out.starts_with(other), "{out}");
        assert!(
            out.contains("  project: default\n  ignoreDifferences:\n  - group: apps\n"),
            "{out}"
        );
        assert!(out.ends_with("    - /spec/replicas\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"), "{out}");
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([want_rule()])
        );
        let docs = kubeplay_yaml::parse_documents(&out, "t").unwrap();
        assert_eq!(
            kubeplay_yaml::to_json(&docs[0]).unwrap()["spec"].get("ignoreDifferences"),
            None
        );
    }

    #[test]
    fn an_empty_key_a_missing_newline_and_a_repeated_rule() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  ignoreDifferences:\n  project: default";
        let out = add(text);
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([want_rule()])
        );
        assert!(out.ends_with("  project: default"));
        // Added again: nothing changes.
        assert_eq!(add(&out), out);

        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default";
        let out = add(text);
        assert!(
            out.contains("  project: default\n  ignoreDifferences:\n"),
            "{out}"
        );
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([want_rule()])
        );
    }

    #[test]
    fn awkward_values_are_quoted() {
        let r = IgnoreRule {
            group: String::new(),
            kind: "ConfigMap".into(),
            name: "123".into(),
            namespace: String::new(),
            json_pointer: "/data/a: b".into(),
        };
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default\n";
        let out = add_ignore_rule(text, "a.yaml", "web", &r).unwrap();
        assert!(
            out.contains("  - kind: ConfigMap\n    name: \"123\"\n"),
            "{out}"
        );
        assert_eq!(
            app_json(&out)["spec"]["ignoreDifferences"],
            json!([{"kind": "ConfigMap", "name": "123", "jsonPointers": ["/data/a: b"]}])
        );
    }

    #[test]
    fn files_that_cannot_take_the_rule_say_why() {
        let err = |text: &str| add_ignore_rule(text, "a.yaml", "web", &rule()).unwrap_err();
        assert!(err("a: [").contains("does not parse"));
        assert!(err("kind: Application\napiVersion: argoproj.io/v1alpha1\nmetadata:\n  name: other\nspec: {}\n").contains("no Application named \"web\""));
        assert!(err(
            "kind: Application\napiVersion: argoproj.io/v1alpha1\nmetadata:\n  name: web\n"
        )
        .contains("has no spec"));
        assert!(err("kind: Application\napiVersion: argoproj.io/v1alpha1\nmetadata:\n  name: web\nspec:\n  ignoreDifferences: 3\n").contains("is not a list"));
    }
}
