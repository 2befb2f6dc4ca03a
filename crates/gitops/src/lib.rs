//! kubeplay-gitops
