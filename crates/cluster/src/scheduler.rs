//! Nodes and a trivial scheduler: the node with the fewest pods, ties by name. Enough for a
//! playground; resources, taints and affinity come later.

use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub ip: String,
    pub images: BTreeSet<String>,
    /// Pulls are serialized per node: the next one starts after this.
    pub pull_busy_until: u64,
    pub pods: usize,
    pub next_ip: u32,
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
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": self.name, "labels": {"kubernetes.io/hostname": self.name}},
            "status": {
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
    nodes
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| a.pods.cmp(&b.pods).then(a.name.cmp(&b.name)))
        .map(|(i, _)| i)
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
}
