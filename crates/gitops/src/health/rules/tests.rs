//! The rule language itself; the bundled rules are tested through the health test data.

use super::*;
use crate::health::{Health, HealthStatus};
use serde_json::json;

fn run(src: &str, obj: Value) -> Option<Health> {
    let set = RuleSet::parse(src).unwrap_or_else(|e| panic!("{e}"));
    set.find("example.com", "Widget")
        .expect("rule for example.com/Widget")
        .evaluate(&obj)
}

#[test]
fn conditions_first_match_wins_in_list_order() {
    let src = r#"
        health example.com/Widget {
          for c in status.conditions {
            if c.type == "Ready" and c.status == "False" { Degraded c.message }
            if c.type == "Ready" and c.status == "True" { Healthy c.message }
          }
          Progressing "Waiting"
        }"#;
    let ready = json!({"status": {"conditions": [
        {"type": "Other", "status": "False"},
        {"type": "Ready", "status": "True", "message": "all good"}]}});
    assert_eq!(run(src, ready), Some(Health::healthy_with("all good")));
    assert_eq!(run(src, json!({})), Some(Health::progressing("Waiting")));
    // Wrong types never fail: conditions that are not a list are simply not iterated.
    assert_eq!(
        run(src, json!({"status": {"conditions": "oops"}})),
        Some(Health::progressing("Waiting"))
    );
}

#[test]
fn expressions_follow_lua_like_truthiness_and_concatenation() {
    let src = r#"
        health example.com/Widget {
          let n = status.ready
          if n >= spec.replicas { Healthy n + "/" + spec.replicas + " ready" }
          Progressing (status.message or "no message") + ", phase " + lower(status.phase)
        }"#;
    let obj = json!({"spec": {"replicas": 3}, "status": {"ready": 3}});
    assert_eq!(run(src, obj), Some(Health::healthy_with("3/3 ready")));
    let obj = json!({"spec": {"replicas": 3}, "status": {"ready": 1.5, "phase": "UP"}});
    assert_eq!(
        run(src, obj),
        Some(Health::progressing("no message, phase up"))
    );
}

#[test]
fn macros_functions_and_indexing() {
    let src = r#"
        fn failing {
          let bad = status.items.filter(i, i.ok == false)
          if len(bad) > 0 { Degraded join(bad.map(i, i.name), ", ") }
        }
        health example.com/Widget {
          call failing
          if status.items.all(i, i.ok) and "x" in status.tags { Healthy status.items[-1].name }
          none
        }"#;
    let obj = json!({"status": {"items": [{"name": "a", "ok": false}, {"name": "b", "ok": true},
                                          {"name": "c", "ok": false}]}});
    assert_eq!(run(src, obj), Some(Health::degraded("a, c")));
    let obj = json!({"status": {"tags": ["x"], "items": [{"name": "a", "ok": true}, {"name": "b", "ok": true}]}});
    assert_eq!(run(src, obj), Some(Health::healthy_with("b")));
    let obj = json!({"status": {"items": []}});
    assert_eq!(run(src, obj), None);
}

#[test]
fn message_must_start_on_the_status_line() {
    let src = "health example.com/Widget {\n  Suspended\n}";
    assert_eq!(
        run(src, json!({})),
        Some(Health::new(HealthStatus::Suspended, ""))
    );
}

#[test]
fn wildcards_lose_to_exact_targets() {
    let set = RuleSet::parse(
        r#"health *.crossplane.io/* { Healthy "wild" }
           health pkg.crossplane.io/Provider, other.io/Thing { Healthy "exact" }"#,
    )
    .expect("parses");
    let answer = |g: &str, k: &str| set.find(g, k).and_then(|r| r.evaluate(&json!({})));
    assert_eq!(
        answer("pkg.crossplane.io", "Provider"),
        Some(Health::healthy_with("exact"))
    );
    assert_eq!(
        answer("ec2.aws.crossplane.io", "VPC"),
        Some(Health::healthy_with("wild"))
    );
    assert_eq!(answer("crossplane.io", "X"), None);
}

#[test]
fn syntax_errors_have_positions() {
    let err = RuleSet::parse("health a.io/B {\n  Healthy (1 +\n}").unwrap_err();
    assert_eq!((err.line, err.col), (3, 1));
    let err = RuleSet::parse("health a.io/B { call missing }").unwrap_err();
    assert!(err.message.contains("no `fn missing`"), "{err}");
    let err = RuleSet::parse("health a.io/B { Healthy frob(1) }").unwrap_err();
    assert!(err.message.contains("unknown function"), "{err}");
    let deep = format!(
        "health a.io/B {{ Healthy {}1{} }}",
        "(".repeat(500),
        ")".repeat(500)
    );
    assert!(RuleSet::parse(&deep).is_err());
}

#[test]
fn every_bundled_file_parses() {
    for (name, src) in BUNDLED {
        if let Err(e) = RuleSet::parse(src) {
            panic!("bundled/{name}:{e}");
        }
    }
    assert!(bundled().len() >= BUNDLED.len());
}

#[test]
fn return_takes_a_computed_status_and_rejects_unknown_words() {
    let src = r#"
        health example.com/Widget {
          return status.phase, "phase " + status.phase
        }"#;
    let obj = json!({"status": {"phase": "Degraded"}});
    assert_eq!(run(src, obj), Some(Health::degraded("phase Degraded")));
    let obj = json!({"status": {"phase": "Exploded"}});
    assert_eq!(
        run(src, obj),
        Some(Health::unknown("Lua returned an invalid health status"))
    );
}

#[test]
fn sort_replace_and_list_concatenation() {
    let src = r#"
        health example.com/Widget {
          let sorted = status.items.sortBy(i, i.at).map(i, i.name)
          Healthy join(sorted + ["z"], ",") + " " + replace(status.text, "ERROR, ", "")
        }"#;
    let obj = json!({"status": {"text": "ERROR, disk full",
        "items": [{"name": "late", "at": "2024-02-01"}, {"name": "undated"},
                  {"name": "early", "at": "2024-01-01"}]}});
    assert_eq!(
        run(src, obj),
        Some(Health::healthy_with("early,late,undated,z disk full"))
    );
}

#[test]
fn variables_set_in_loops_persist_but_loop_locals_do_not() {
    let src = r#"
        health example.com/Widget {
          let count = 0
          for c in status.conditions {
            let seen = c.type
            let count = count + 1
          }
          Healthy count + " " + str(seen)
        }"#;
    // `seen` is first bound inside the loop, so afterwards it reads the object's field.
    let obj =
        json!({"seen": "top-level", "status": {"conditions": [{"type": "A"}, {"type": "B"}]}});
    assert_eq!(run(src, obj), Some(Health::healthy_with("2 top-level")));
}

#[test]
fn runaway_rules_stop_at_the_budget() {
    let src = r#"
        health example.com/Widget {
          let n = 0
          for a in status.items { for b in status.items { for c in status.items {
            let n = n + 1
          } } }
          Healthy "counted " + n
        }"#;
    let items: Vec<i64> = (0..200).collect();
    let obj = json!({"status": {"items": items}});
    assert_eq!(
        run(src, obj),
        Some(Health::unknown(
            "health rule exceeded its evaluation budget"
        ))
    );
    let small = json!({"status": {"items": [1, 2]}});
    assert_eq!(run(src, small), Some(Health::healthy_with("counted 8")));
}
