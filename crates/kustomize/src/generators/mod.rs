//! Generators: ConfigMaps and Secrets from literals, files and env files.

pub mod configmap;
pub mod helm_chart;
pub mod iampolicy;
