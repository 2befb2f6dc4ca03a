//! Nodes and the scheduler: a pod's resource requests must fit a node's allocatable CPU,
//! memory and pod count (NodeResourcesFit); among the nodes that fit, the one with the fewest
//! pods wins, ties by name. Taints and affinity come later.

use serde_json::Value;
use std::collections::BTreeSet;

/// What a pod asks of a node (`requests`, or `limits` where requests are absent, as the API
/// server defaults them): CPU in millicores, memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_milli: i64,
    pub memory: i64,
}

/// Parses a Kubernetes quantity (`500m`, `1.5`, `128Mi`, `1G`, `2e3`) scaled by `scale`
/// (1000 for millicores, 1 for bytes); `None` when it is not a quantity.
pub fn parse_quantity(q: &str, scale: i64) -> Option<i64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let value: f64 = num.parse().ok()?;
    let mult: f64 = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse::<i32>().ok()?.clamp(-30, 30)),
        _ => return None,
    };
    let v = value * mult * scale as f64;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    // Quantities round up to the unit (0.1m CPU is 1m).
    Some(v.ceil().min(i64::MAX as f64 / 2.0) as i64)
}

fn container_request(c: &Value) -> Resources {
    let get = |name: &str, scale: i64| {
        let r = &c["resources"];
        r["requests"][name]
            .as_str()
            .map(str::to_string)
            .or_else(|| r["requests"][name].as_f64().map(|f| f.to_string()))
            .or_else(|| r["limits"][name].as_str().map(str::to_string))
            .or_else(|| r["limits"][name].as_f64().map(|f| f.to_string()))
            .and_then(|q| parse_quantity(&q, scale))
            .unwrap_or(0)
    };
    Resources {
        cpu_milli: get("cpu", 1000),
        memory: get("memory", 1),
    }
}

/// The pod's effective request: regular containers and sidecars add up; an init container
/// needs its own request plus the sidecars started before it; the larger wins.
pub fn pod_request(spec: &Value) -> Resources {
    let mut sum = Resources::default();
    let mut init_max = Resources::default();
    let mut sidecars = Resources::default();
    for c in spec["initContainers"].as_array().into_iter().flatten() {
        let r = container_request(c);
        if c["restartPolicy"] == "Always" {
            sidecars.cpu_milli = sidecars.cpu_milli.saturating_add(r.cpu_milli);
            sidecars.memory = sidecars.memory.saturating_add(r.memory);
        } else {
            init_max.cpu_milli = init_max
                .cpu_milli
                .max(sidecars.cpu_milli.saturating_add(r.cpu_milli));
            init_max.memory = init_max
                .memory
                .max(sidecars.memory.saturating_add(r.memory));
        }
    }
    for c in spec["containers"].as_array().into_iter().flatten() {
        let r = container_request(c);
        sum.cpu_milli = sum.cpu_milli.saturating_add(r.cpu_milli);
        sum.memory = sum.memory.saturating_add(r.memory);
    }
    sum.cpu_milli = sum.cpu_milli.saturating_add(sidecars.cpu_milli);
    sum.memory = sum.memory.saturating_add(sidecars.memory);
    Resources {
        cpu_milli: sum.cpu_milli.max(init_max.cpu_milli),
        memory: sum.memory.max(init_max.memory),
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub ip: String,
    pub images: BTreeSet<String>,
    /// Pulls are serialized per node: the next one starts after this.
    pub pull_busy_until: u64,
    pub pods: usize,
    pub next_ip: u32,
    /// Allocatable resources and what the bound, unfinished pods request.
    pub allocatable: Resources,
    pub max_pods: usize,
    pub requested: Resources,
}

impl Node {
    pub fn new(index: usize) -> Node {
        let name = if index == 0 {
            "kubeplay-worker".to_string()
        } else {
            format!("kubeplay-worker{}", index + 1)
        };
        Node {
            name,
            ip: format!("172.18.0.{}", index + 2),
            images: BTreeSet::new(),
            pull_busy_until: 0,
            pods: 0,
            next_ip: 1,
            allocatable: Resources {
                cpu_milli: 4000,
                memory: 8 << 30,
            },
            max_pods: 110,
            requested: Resources::default(),
        }
    }

    /// A node with the given allocatable CPU (millicores), memory (bytes) and pod count.
    pub fn with_capacity(index: usize, allocatable: Resources, max_pods: usize) -> Node {
        Node {
            allocatable,
            max_pods,
            ..Node::new(index)
        }
    }

    /// Books (or, with `sign` -1, releases) a pod's request.
    pub fn book(&mut self, r: Resources, sign: i64) {
        self.requested.cpu_milli = self
            .requested
            .cpu_milli
            .saturating_add(sign * r.cpu_milli)
            .max(0);
        self.requested.memory = self.requested.memory.saturating_add(sign * r.memory).max(0);
    }

    /// NodeResourcesFit's reasons why `r` does not fit (empty: it fits).
    fn misfits(&self, r: Resources) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.pods + 1 > self.max_pods {
            out.push("Too many pods");
        }
        if r.cpu_milli > 0
            && self.requested.cpu_milli.saturating_add(r.cpu_milli) > self.allocatable.cpu_milli
        {
            out.push("Insufficient cpu");
        }
        if r.memory > 0 && self.requested.memory.saturating_add(r.memory) > self.allocatable.memory
        {
            out.push("Insufficient memory");
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": self.name, "labels": {"kubernetes.io/hostname": self.name}},
            "status": {
                "capacity": {"cpu": format!("{}m", self.allocatable.cpu_milli), "memory": format!("{}", self.allocatable.memory), "pods": self.max_pods.to_string()},
                "allocatable": {"cpu": format!("{}m", self.allocatable.cpu_milli), "memory": format!("{}", self.allocatable.memory), "pods": self.max_pods.to_string()},
                "addresses": [{"type": "InternalIP", "address": self.ip}, {"type": "Hostname", "address": self.name}],
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
            }
        })
    }
}

/// Picks a node for a pod; `node_name` set in the pod spec wins when it exists.
pub fn pick(nodes: &[Node], requested: Option<&str>) -> Option<usize> {
    if let Some(name) = requested {
        return nodes.iter().position(|n| n.name == name);
    }
    schedule(nodes, Resources::default()).ok()
}

/// One scheduling attempt: the chosen node, or the FitError message the scheduler puts in its
/// FailedScheduling event (`0/3 nodes are available: 3 Insufficient cpu. preemption: ...`).
/// Every pod has the same priority here, so preemption never finds victims.
pub fn schedule(nodes: &[Node], r: Resources) -> Result<usize, String> {
    let mut histogram: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut best: Option<usize> = None;
    for (i, n) in nodes.iter().enumerate() {
        let misfits = n.misfits(r);
        if misfits.is_empty() {
            let better = best.is_none_or(|b| (n.pods, &n.name) < (nodes[b].pods, &nodes[b].name));
            if better {
                best = Some(i);
            }
        }
        for m in misfits {
            *histogram.entry(m).or_default() += 1;
        }
    }
    if let Some(b) = best {
        return Ok(b);
    }
    let total = nodes.len();
    let mut reasons: Vec<String> = histogram
        .iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    reasons.sort();
    Err(format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {total} No preemption victims found for incoming pod.",
        reasons.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_pods_and_honours_node_name() {
        let mut nodes: Vec<Node> = (0..3).map(Node::new).collect();
        let mut picks = Vec::new();
        for _ in 0..4 {
            let i = pick(&nodes, None).unwrap();
            nodes[i].pods += 1;
            picks.push(nodes[i].name.clone());
        }
        assert_eq!(
            picks,
            [
                "kubeplay-worker",
                "kubeplay-worker2",
                "kubeplay-worker3",
                "kubeplay-worker"
            ]
        );
        assert_eq!(pick(&nodes, Some("kubeplay-worker3")), Some(2));
        assert_eq!(pick(&nodes, Some("nope")), None);
    }

    #[test]
    fn quantities_parse() {
        assert_eq!(parse_quantity("500m", 1000), Some(500));
        assert_eq!(parse_quantity("1.5", 1000), Some(1500));
        assert_eq!(parse_quantity("2", 1000), Some(2000));
        assert_eq!(parse_quantity("128Mi", 1), Some(128 << 20));
        assert_eq!(parse_quantity("1G", 1), Some(1_000_000_000));
        assert_eq!(parse_quantity("1e3", 1), Some(1000));
        assert_eq!(parse_quantity("abc", 1), None);
        assert_eq!(parse_quantity("1Zi", 1), None);
        assert_eq!(parse_quantity("-1", 1), None);
    }

    #[test]
    fn requests_must_fit_and_failures_read_like_the_scheduler() {
        let mut nodes: Vec<Node> = (0..3).map(Node::new).collect();
        let big = Resources {
            cpu_milli: 3000,
            memory: 1 << 30,
        };
        for _ in 0..3 {
            let i = schedule(&nodes, big).unwrap();
            nodes[i].pods += 1;
            nodes[i].book(big, 1);
        }
        assert_eq!(
            schedule(&nodes, big),
            Err("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.".into())
        );
        nodes[0].book(big, -1);
        let huge = Resources {
            cpu_milli: 100,
            memory: 9 << 30,
        };
        assert_eq!(
            schedule(&nodes, huge),
            Err("0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.".into())
        );
        assert_eq!(schedule(&nodes, big), Ok(0));
        let both = Resources {
            cpu_milli: 2000,
            memory: 9 << 30,
        };
        assert_eq!(
            schedule(&nodes, both),
            Err("0/3 nodes are available: 2 Insufficient cpu, 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.".into())
        );
    }

    #[test]
    fn pod_request_counts_limits_init_and_sidecars() {
        let spec = serde_json::json!({
            "initContainers": [
                {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                {"name": "init", "resources": {"limits": {"cpu": "2", "memory": "1Gi"}}}],
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "64Mi"}}},
                {"name": "b", "resources": {"requests": {"cpu": 1}}}]});
        let r = pod_request(&spec);
        assert_eq!(r.cpu_milli, 2100);
        assert_eq!(r.memory, 1 << 30);
    }
}
