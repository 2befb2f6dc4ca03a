//! `kubeplay simulate FILE... --for DURATION`: apply objects to the simulated cluster and run it.
//!
//! `--output table` prints `kubectl get pods -w`-style rows whenever a pod's READY, STATUS or
//! RESTARTS changes; `events` prints the events like `kubectl get events
//! --sort-by=.lastTimestamp` at the end of the run; `json` prints the final objects as a v1 List.
//! `--check-scenarios FILE` runs a probe scenario file and prints `FAIL <id>: <why>` per failing
//! scenario and `N passed, M failed` last; it exits 0 unless the file cannot be read or parsed.

use super::{engine_not_ready, CliError, CliResult};
use kubeplay_cluster::clock::{parse_duration, Millis};
use kubeplay_cluster::limits::MAX_VIRTUAL_TIME;
use kubeplay_cluster::printers::{event_row, pod_row, table, EVENT_HEADER, POD_HEADER};
use kubeplay_cluster::scenario::{parse_scenarios, run_all};
use kubeplay_cluster::{ApiError, Cluster, ClusterConfig, SimError};
use kubeplay_yaml::{DuplicateKeys, JsonFlavor, JsonOptions, ParseOptions, Schema};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Manifest files to apply
    #[arg(required_unless_present = "check_scenarios")]
    pub files: Vec<PathBuf>,
    /// Virtual time to run, e.g. 90s, 5m, 1h
    #[arg(long = "for", default_value = "60s")]
    pub duration: String,
    /// table (like `kubectl get pods -w`), events, or json
    #[arg(short = 'o', long, default_value = "table")]
    pub output: String,
    /// Run a probe scenario file (conformance/probes/scenarios.yaml form) and report
    #[arg(
        long = "check-scenarios",
        value_name = "FILE",
        conflicts_with = "files"
    )]
    pub check_scenarios: Option<PathBuf>,
    /// Seed for the simulation's random choices (same seed, same timeline)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(args: Args) -> CliResult {
    let cfg = ClusterConfig {
        seed: args.seed,
        ..ClusterConfig::default()
    };
    if let Some(path) = &args.check_scenarios {
        return check_scenarios(path, &cfg);
    }
    if matches!(args.output.as_str(), "yaml" | "wide" | "name") {
        // kubectl's other output forms are planned with the rest of the simulator (issue #5).
        return Err(engine_not_ready(
            &format!("simulate --output {}", args.output),
            5,
        ));
    }
    if !matches!(args.output.as_str(), "table" | "events" | "json") {
        return Err(CliError(format!(
            "unknown --output {:?} (use table, events or json)",
            args.output
        )));
    }
    let duration = parse_duration(&args.duration).map_err(CliError)?;
    if duration > MAX_VIRTUAL_TIME {
        let err = SimError::DurationTooLong {
            requested_ms: duration,
            max_ms: MAX_VIRTUAL_TIME,
        };
        return Err(CliError(err.to_string()));
    }
    let mut cluster = Cluster::new(cfg);
    let mut failed = 0;
    for path in &args.files {
        let name = path.display().to_string();
        for obj in read_objects(path)? {
            match cluster.apply(obj.clone()) {
                Ok(applied) => {
                    if let Some(w) = applied.warning {
                        eprintln!("Warning: {w}");
                    }
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("{}", kubectl_error(&e, &obj, &name));
                }
            }
        }
    }
    let mut out = std::io::stdout().lock();
    match args.output.as_str() {
        "table" => {
            let rows = watch_pods(&mut cluster, duration)?;
            write!(out, "{}", table(POD_HEADER, &rows))?;
        }
        "events" => {
            cluster
                .run_until(duration)
                .map_err(|e| CliError(e.to_string()))?;
            let now = cluster.now();
            let mut events: Vec<_> = cluster.events().all().iter().collect();
            events.sort_by_key(|e| e.last);
            let rows: Vec<_> = events.iter().map(|e| event_row(e, now)).collect();
            if rows.is_empty() {
                writeln!(out, "No resources found in default namespace.")?;
            } else {
                write!(out, "{}", table(EVENT_HEADER, &rows))?;
            }
        }
        _ => {
            cluster
                .run_until(duration)
                .map_err(|e| CliError(e.to_string()))?;
            // Like `kubectl get all,endpoints,endpointslices,configmaps,secrets -o json`.
            let items: Vec<Value> = OUTPUT_KINDS
                .iter()
                .flat_map(|kind| cluster.list(kind))
                .collect();
            let list = json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}});
            let text = serde_json::to_string_pretty(&list).map_err(|e| CliError(e.to_string()))?;
            writeln!(out, "{text}")?;
        }
    }
    if failed > 0 {
        return Err(CliError(format!("{failed} object(s) could not be applied")));
    }
    Ok(())
}

/// Kinds printed by `--output json`, workloads first.
const OUTPUT_KINDS: [&str; 13] = [
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Pod",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
];

/// How `kubectl apply` reports a rejected object.
fn kubectl_error(e: &ApiError, obj: &Value, file: &str) -> String {
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    match e {
        ApiError::Invalid { .. } => format!("The {e}"),
        ApiError::NoKindMatch { .. } => format!(
            "error: resource mapping not found for name: {name:?} namespace: {ns:?} from {file:?}: {e}\nensure CRDs are installed first"
        ),
        ApiError::NotFound { .. } => {
            format!("Error from server (NotFound): error when creating {file:?}: {e}")
        }
        ApiError::BadRequest(_) => {
            format!("Error from server (BadRequest): error when creating {file:?}: {e}")
        }
        _ => format!("error: error when creating {file:?}: {e}"),
    }
}

/// Steps the cluster to `until`, collecting a row each time a pod's visible state changes.
fn watch_pods(cluster: &mut Cluster, until: Millis) -> Result<Vec<[String; 5]>, CliError> {
    let mut rows = Vec::new();
    let mut last: BTreeMap<String, [String; 3]> = BTreeMap::new();
    let mut observe = |cluster: &Cluster, rows: &mut Vec<[String; 5]>| {
        for pod in cluster.list("Pod") {
            let row = pod_row(&pod, cluster.now());
            // RESTARTS carries "(Xs ago)": compare the count only.
            let restarts = row[3].split(' ').next().unwrap_or("").to_string();
            let key = [row[1].clone(), row[2].clone(), restarts];
            if last.get(&row[0]) != Some(&key) {
                last.insert(row[0].clone(), key);
                rows.push(row);
            }
        }
    };
    observe(cluster, &mut rows);
    while cluster
        .step(until)
        .map_err(|e| CliError(e.to_string()))?
        .is_some()
    {
        observe(cluster, &mut rows);
    }
    cluster
        .run_until(until)
        .map_err(|e| CliError(e.to_string()))?;
    Ok(rows)
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// kubectl reads manifests through sigs.k8s.io/yaml: go-yaml v2 typing, last repeated key wins.
fn yaml_options() -> (ParseOptions, JsonOptions) {
    (
        ParseOptions {
            schema: Schema::GoYamlV2,
            duplicate_keys: DuplicateKeys::LastWins,
            ..ParseOptions::default()
        },
        JsonOptions {
            flavor: JsonFlavor::SigsYaml,
            ..JsonOptions::default()
        },
    )
}

fn yaml_documents(src: &str, name: &str) -> Result<Vec<Value>, String> {
    let (parse, json) = yaml_options();
    yaml_documents_with(src, name, &parse, &json)
}

fn yaml_documents_with(
    src: &str,
    name: &str,
    parse: &ParseOptions,
    json: &JsonOptions,
) -> Result<Vec<Value>, String> {
    let docs = kubeplay_yaml::parse_documents_with(src, name, parse).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for doc in &docs {
        let v = kubeplay_yaml::to_json_with(doc, json).map_err(|mut e| {
            e.file = name.to_string();
            e.to_string()
        })?;
        if !v.is_null() {
            out.push(v);
        }
    }
    Ok(out)
}

/// The objects of a manifest file; `kind: List` documents are unpacked like kubectl does.
fn read_objects(path: &Path) -> Result<Vec<Value>, CliError> {
    let name = path.display().to_string();
    let docs = yaml_documents(&read(path)?, &name).map_err(CliError)?;
    let mut objects = Vec::new();
    for doc in docs {
        match doc["items"].as_array() {
            Some(items) if doc["kind"].as_str().is_some_and(|k| k.ends_with("List")) => {
                objects.extend(items.iter().cloned())
            }
            _ => objects.push(doc),
        }
    }
    Ok(objects)
}

fn check_scenarios(path: &Path, cfg: &ClusterConfig) -> CliResult {
    let name = path.display().to_string();
    // The scenario file is our own data: YAML 1.2 typing (a key `n` stays "n").
    let docs = yaml_documents_with(
        &read(path)?,
        &name,
        &ParseOptions::default(),
        &JsonOptions::default(),
    )
    .map_err(CliError)?;
    let doc = docs.into_iter().next().unwrap_or(Value::Null);
    let parse_pod = |text: &str| -> Result<Value, String> {
        let mut docs = yaml_documents(text, &format!("{name} (pod)"))?;
        match docs.len() {
            1 => Ok(docs.remove(0)),
            n => Err(format!("expected one pod document, found {n}")),
        }
    };
    let scenarios =
        parse_scenarios(&doc, &parse_pod).map_err(|e| CliError(format!("{name}: {e}")))?;
    let reports = run_all(&scenarios, cfg);
    let mut out = std::io::stdout().lock();
    let mut passed = 0;
    for r in &reports {
        if r.passed() {
            passed += 1;
        } else {
            writeln!(out, "FAIL {}: {}", r.id, r.failures.join("; "))?;
        }
    }
    writeln!(out, "{passed} passed, {} failed", reports.len() - passed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5; exit 1"]}]}})
    }

    #[test]
    fn watch_rows_follow_status_changes() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        cluster.apply(pod("crash")).unwrap();
        let rows = watch_pods(&mut cluster, 30_000).unwrap();
        let statuses: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
        assert_eq!(statuses[0], "Pending");
        assert!(
            statuses.contains(&"Running") && statuses.contains(&"Error"),
            "{statuses:?}"
        );
        assert!(statuses.contains(&"CrashLoopBackOff"), "{statuses:?}");
        // RESTARTS only grows.
        let restarts: Vec<u32> = rows
            .iter()
            .map(|r| r[3].split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert!(restarts.windows(2).all(|w| w[0] <= w[1]), "{restarts:?}");
    }

    #[test]
    fn apply_errors_read_like_kubectl() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        let widget =
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
        let e = cluster.apply(widget.clone()).unwrap_err();
        assert_eq!(
            kubectl_error(&e, &widget, "f.yaml"),
            "error: resource mapping not found for name: \"w\" namespace: \"\" from \"f.yaml\": no matches for kind \"Widget\" in version \"example.com/v1\"\nensure CRDs are installed first"
        );
        let mut bad = pod("bad");
        bad["spec"]["containers"][0]["image"] = json!("");
        let e = cluster.apply(bad.clone()).unwrap_err();
        assert_eq!(
            kubectl_error(&e, &bad, "f.yaml"),
            "The Pod \"bad\" is invalid: spec.containers[0].image: Required value"
        );
    }

    #[test]
    fn scenario_files_use_yaml_1_2_typing() {
        // `n` is a boolean key in YAML 1.1; the scenario checks need it as a string key.
        let docs = yaml_documents_with(
            "n: 1\n",
            "s",
            &ParseOptions::default(),
            &JsonOptions::default(),
        )
        .unwrap();
        assert_eq!(docs[0]["n"], 1);
    }
}
