//! kubeplay-cluster
