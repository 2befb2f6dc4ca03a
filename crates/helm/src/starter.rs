//! `helm create`: a starter chart of kubeplay's own.

/// The files of a new chart named `name`, paths relative to the chart directory.
pub fn starter_files(name: &str) -> Vec<(String, String)> {
    vec![(
        "Chart.yaml".to_string(),
        format!("apiVersion: v2\nname: {name}\ndescription: A Helm chart for Kubernetes\ntype: application\nversion: 0.1.0\nappVersion: \"1.16.0\"\n"),
    )]
}
