//! kubeplay-gotemplate
