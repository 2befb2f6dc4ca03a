//! Prints the `kubectl get pods -w`-style timeline of a manifest: `cargo run -p
//! kubeplay-cluster --example timeline -- FILE [SECONDS]`. A development aid; the CLI's
//! `kubeplay simulate` is the real front end.

use kubeplay_cluster::printers::{event_row, pod_row, table, EVENT_HEADER, POD_HEADER};
use kubeplay_cluster::{Cluster, ClusterConfig};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: timeline FILE [SECONDS]");
        std::process::exit(2);
    };
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let src = std::fs::read_to_string(path).expect("readable file");
    let docs = kubeplay_yaml::parse_documents(&src, path).expect("valid YAML");
    let mut cluster = Cluster::new(ClusterConfig::default());
    for doc in &docs {
        let obj = kubeplay_yaml::to_json(doc).expect("JSON-compatible YAML");
        if let Err(e) = cluster.apply(obj) {
            eprintln!("error: {e}");
        }
    }
    let mut rows = Vec::new();
    let mut last = Vec::new();
    while cluster.step(secs * 1000).expect("within limits").is_some() {
        for pod in cluster.list("Pod") {
            let row = pod_row(&pod, cluster.now());
            let key = (
                row[0].clone(),
                row[1].clone(),
                row[2].clone(),
                row[3].split(' ').next().unwrap_or("").to_string(),
            );
            if !last.contains(&key) {
                last.retain(|k: &(String, String, String, String)| k.0 != key.0);
                last.push(key);
                rows.push(row);
            }
        }
    }
    cluster.run_until(secs * 1000).expect("within limits");
    print!("{}", table(POD_HEADER, &rows));
    let mut events: Vec<_> = cluster.events().all().iter().collect();
    events.sort_by_key(|e| e.last);
    let rows: Vec<_> = events.iter().map(|e| event_row(e, cluster.now())).collect();
    print!("{}", table(EVENT_HEADER, &rows));
}
