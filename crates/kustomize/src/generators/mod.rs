//! Generators: ConfigMaps and Secrets from literals, files and env files.

pub mod configmap;
pub mod iampolicy;
