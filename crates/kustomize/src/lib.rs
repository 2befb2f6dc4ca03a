//! kubeplay-kustomize
