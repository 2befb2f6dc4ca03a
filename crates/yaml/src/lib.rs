//! kubeplay-yaml
