//! Runs a probe scenario file like `kubeplay simulate --check-scenarios FILE`, without the CLI:
//! `cargo run -p kubeplay-cluster --example check_scenarios -- FILE`. A development aid.

use kubeplay_cluster::scenario::{parse_scenarios, run_all};
use kubeplay_cluster::ClusterConfig;
use serde_json::Value;

fn yaml(text: &str) -> Result<Value, String> {
    let docs = kubeplay_yaml::parse_documents(text, "scenario").map_err(|e| e.to_string())?;
    let first = docs.first().ok_or("empty document")?;
    kubeplay_yaml::to_json(first).map_err(|e| e.to_string())
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: check_scenarios FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let doc = yaml(&text).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let scenarios = parse_scenarios(&doc, &yaml).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let reports = run_all(&scenarios, &ClusterConfig::default());
    let passed = reports.iter().filter(|r| r.passed()).count();
    for r in reports.iter().filter(|r| !r.passed()) {
        println!("FAIL {}: {}", r.id, r.failures.join("; "));
    }
    println!("{passed} passed, {} failed", reports.len() - passed);
}
