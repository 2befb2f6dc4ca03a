//! kubeplay-helm
