//! The Application resource in Argo CD's own format (`argoproj.io/v1alpha1`, kind
//! `Application`): what to render (source), where to put it (destination), how to sync
//! (syncPolicy) and what not to compare (ignoreDifferences).

pub mod schema;

use kubeplay_cluster::clock::{parse_duration, Millis, SECOND};
use kubeplay_yaml::Node;
use serde_json::Value;
use std::fmt;

/// A parsed Application.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub name: String,
    /// The namespace the Application object lives in (Argo CD's own, `argocd` by default).
    pub namespace: String,
    pub project: String,
    pub source: Source,
    pub destination: Destination,
    pub sync_policy: SyncPolicy,
    pub ignore_differences: Vec<IgnoreDifference>,
    /// The manifest as JSON (for display and app-of-apps).
    pub manifest: Value,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    pub repo_url: String,
    pub path: String,
    /// Empty means HEAD, as in Argo CD.
    pub target_revision: String,
    pub helm: Option<HelmSource>,
    pub kustomize: Option<KustomizeSource>,
    pub directory: Option<DirectorySource>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HelmSource {
    pub release_name: String,
    pub value_files: Vec<String>,
    pub values: String,
    pub values_object: Option<Value>,
    /// (name, value, forceString)
    pub parameters: Vec<(String, String, bool)>,
    pub skip_crds: bool,
    pub skip_tests: bool,
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct KustomizeSource {
    pub name_prefix: String,
    pub name_suffix: String,
    pub images: Vec<String>,
    pub common_labels: Vec<(String, String)>,
    pub common_annotations: Vec<(String, String)>,
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DirectorySource {
    pub recurse: bool,
    pub include: String,
    pub exclude: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Destination {
    pub server: String,
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncPolicy {
    pub automated: Option<Automated>,
    pub options: SyncOptions,
    pub retry: Option<Retry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Automated {
    pub prune: bool,
    pub self_heal: bool,
    pub allow_empty: bool,
}

/// `syncOptions` of the Application (spec 66); the same words may sit on a resource's
/// `argocd.argoproj.io/sync-options` annotation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncOptions {
    pub create_namespace: bool,
    pub prune_last: bool,
    pub apply_out_of_sync_only: bool,
    pub replace: bool,
    pub server_side_apply: bool,
    /// Words we read but do not model, kept for display.
    pub other: Vec<String>,
}

impl SyncOptions {
    pub fn parse(items: &[String]) -> SyncOptions {
        let mut o = SyncOptions::default();
        for item in items {
            match item.trim() {
                "CreateNamespace=true" => o.create_namespace = true,
                "PruneLast=true" => o.prune_last = true,
                "ApplyOutOfSyncOnly=true" => o.apply_out_of_sync_only = true,
                "Replace=true" => o.replace = true,
                "ServerSideApply=true" => o.server_side_apply = true,
                other => o.other.push(other.to_string()),
            }
        }
        o
    }
}

/// Retry of failed operations (spec 71): `limit` attempts, waits of `duration * factor^n`
/// capped at `max_duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub limit: u32,
    pub duration: Millis,
    pub factor: u64,
    pub max_duration: Millis,
}

impl Default for Retry {
    /// Argo CD's defaults: 5 attempts, 5 s doubling, capped at 3 minutes (spec 71).
    fn default() -> Self {
        Retry {
            limit: 5,
            duration: 5 * SECOND,
            factor: 2,
            max_duration: 180 * SECOND,
        }
    }
}

impl Retry {
    /// Wait before retry number `n` (0-based).
    pub fn delay(&self, n: u32) -> Millis {
        let mut d = self.duration;
        for _ in 0..n {
            d = d.saturating_mul(self.factor.max(1));
            if d >= self.max_duration {
                return self.max_duration;
            }
        }
        d.min(self.max_duration)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IgnoreDifference {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub json_pointers: Vec<String>,
    pub jq_path_expressions: Vec<String>,
    pub managed_fields_managers: Vec<String>,
}

impl IgnoreDifference {
    /// Does this rule cover an object of that identity? Empty name/namespace match all.
    pub fn matches(&self, group: &str, kind: &str, namespace: &str, name: &str) -> bool {
        self.group == group
            && (self.kind == kind || self.kind == "*")
            && (self.name.is_empty() || self.name == name)
            && (self.namespace.is_empty() || self.namespace == namespace)
    }
}

/// A problem with an Application manifest, located when it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl Application {
    /// Parses every Application of a YAML stream; all problems of the first bad document are
    /// reported together.
    pub fn parse_all(src: &str, file: &str) -> Result<Vec<Application>, Vec<SpecError>> {
        let docs = kubeplay_yaml::parse_documents(src, file).map_err(|e| {
            vec![SpecError {
                file: file.to_string(),
                line: e.line,
                column: e.column,
                message: e.message.clone(),
            }]
        })?;
        let apps: Result<Vec<Application>, Vec<SpecError>> = docs
            .iter()
            .filter(|d| !d.is_null())
            .map(|d| Application::from_node(d, file))
            .collect();
        let apps = apps?;
        if apps.is_empty() {
            return Err(vec![SpecError {
                file: file.to_string(),
                line: 0,
                column: 0,
                message: "no Application in the file".into(),
            }]);
        }
        Ok(apps)
    }

    /// Parses a file holding exactly one Application.
    pub fn parse(src: &str, file: &str) -> Result<Application, Vec<SpecError>> {
        let mut apps = Application::parse_all(src, file)?;
        if apps.len() > 1 {
            return Err(vec![SpecError {
                file: file.to_string(),
                line: 0,
                column: 0,
                message: format!("expected one Application, found {}", apps.len()),
            }]);
        }
        Ok(apps.remove(0))
    }

    pub fn from_node(node: &Node, file: &str) -> Result<Application, Vec<SpecError>> {
        let err = |line, column, message: String| SpecError {
            file: file.to_string(),
            line,
            column,
            message,
        };
        let json = kubeplay_yaml::to_json(node)
            .map_err(|e| vec![err(e.line, e.column, e.message.clone())])?;
        let (line, column) = (node.pos.line, node.pos.column);
        let api_version = json.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = json.get("kind").and_then(Value::as_str).unwrap_or("");
        if kind != "Application" || api_version != "argoproj.io/v1alpha1" {
            return Err(vec![err(
                line,
                column,
                format!("expected apiVersion argoproj.io/v1alpha1, kind Application; found {api_version:?}, {kind:?}"),
            )]);
        }
        let mut problems = Vec::new();
        schema::check(node, &schema::APPLICATION, "", &mut problems);
        let mut errors: Vec<SpecError> = problems
            .into_iter()
            .map(|p| err(p.line, p.column, p.message))
            .collect();
        let s = |v: &Value, p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let b = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_bool).unwrap_or(false);
        let strs = |v: &Value, p: &str| -> Vec<String> {
            v.pointer(p)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let pairs = |v: &Value, p: &str| -> Vec<(String, String)> {
            v.pointer(p)
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, x)| (k.clone(), x.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let name = s(&json, "/metadata/name");
        if name.is_empty() {
            errors.push(err(
                line,
                column,
                "metadata.name: Required value: name is required".into(),
            ));
        }
        if json.pointer("/spec/sources").is_some() {
            errors.push(err(line, column, "spec.sources: multi-source Applications are not supported by the playground; use spec.source".into()));
        }
        let Some(src) = json.pointer("/spec/source") else {
            errors.push(err(line, column, "spec.source: Required value".into()));
            return Err(errors);
        };
        if s(src, "/repoURL").is_empty() {
            errors.push(err(
                line,
                column,
                "spec.source.repoURL: Required value".into(),
            ));
        }
        if json.pointer("/spec/destination").is_none() {
            errors.push(err(line, column, "spec.destination: Required value".into()));
        }
        if !s(src, "/chart").is_empty() {
            errors.push(err(line, column, "spec.source.chart: charts from Helm repositories are not available offline; put the chart in the Git repository and use spec.source.path".into()));
        }
        let source = Source {
            repo_url: s(src, "/repoURL"),
            path: s(src, "/path"),
            target_revision: s(src, "/targetRevision"),
            helm: src.get("helm").map(|h| HelmSource {
                release_name: s(h, "/releaseName"),
                value_files: strs(h, "/valueFiles"),
                values: s(h, "/values"),
                values_object: h.get("valuesObject").cloned(),
                parameters: h
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map(|ps| {
                        ps.iter()
                            .map(|p| (s(p, "/name"), s(p, "/value"), b(p, "/forceString")))
                            .collect()
                    })
                    .unwrap_or_default(),
                skip_crds: b(h, "/skipCrds"),
                skip_tests: b(h, "/skipTests"),
                namespace: s(h, "/namespace"),
            }),
            kustomize: src.get("kustomize").map(|k| KustomizeSource {
                name_prefix: s(k, "/namePrefix"),
                name_suffix: s(k, "/nameSuffix"),
                images: strs(k, "/images"),
                common_labels: pairs(k, "/commonLabels"),
                common_annotations: pairs(k, "/commonAnnotations"),
                namespace: s(k, "/namespace"),
            }),
            directory: src.get("directory").map(|d| DirectorySource {
                recurse: b(d, "/recurse"),
                include: s(d, "/include"),
                exclude: s(d, "/exclude"),
            }),
        };
        let sp = json.pointer("/spec/syncPolicy");
        let automated = sp.and_then(|p| p.get("automated")).and_then(|a| {
            // `enabled: false` keeps the settings but turns automation off.
            if a.get("enabled").and_then(Value::as_bool) == Some(false) {
                return None;
            }
            Some(Automated {
                prune: b(a, "/prune"),
                self_heal: b(a, "/selfHeal"),
                allow_empty: b(a, "/allowEmpty"),
            })
        });
        let mut retry = None;
        if let Some(r) = sp.and_then(|p| p.get("retry")) {
            let mut rt = Retry::default();
            if let Some(l) = r.get("limit").and_then(Value::as_i64) {
                rt.limit = l.max(0) as u32;
            }
            let dur = |p: &str, d: Millis, errors: &mut Vec<SpecError>| match r
                .pointer(p)
                .and_then(Value::as_str)
            {
                None => d,
                Some(t) => parse_duration(t).unwrap_or_else(|e| {
                    errors.push(err(
                        line,
                        column,
                        format!("spec.syncPolicy.retry{}: {e}", p.replace('/', ".")),
                    ));
                    d
                }),
            };
            rt.duration = dur("/backoff/duration", rt.duration, &mut errors);
            rt.max_duration = dur("/backoff/maxDuration", rt.max_duration, &mut errors);
            if let Some(f) = r.pointer("/backoff/factor").and_then(Value::as_i64) {
                rt.factor = f.max(1) as u64;
            }
            retry = Some(rt);
        }
        let sync_policy = SyncPolicy {
            automated,
            options: SyncOptions::parse(&strs(&json, "/spec/syncPolicy/syncOptions")),
            retry,
        };
        let ignore_differences = json
            .pointer("/spec/ignoreDifferences")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|i| IgnoreDifference {
                        group: s(i, "/group"),
                        kind: s(i, "/kind"),
                        name: s(i, "/name"),
                        namespace: s(i, "/namespace"),
                        json_pointers: strs(i, "/jsonPointers"),
                        jq_path_expressions: strs(i, "/jqPathExpressions"),
                        managed_fields_managers: strs(i, "/managedFieldsManagers"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors);
        }
        let ns = s(&json, "/metadata/namespace");
        let project = s(&json, "/spec/project");
        Ok(Application {
            name,
            namespace: if ns.is_empty() { "argocd".into() } else { ns },
            project: if project.is_empty() {
                "default".into()
            } else {
                project
            },
            source,
            destination: Destination {
                server: s(&json, "/spec/destination/server"),
                namespace: s(&json, "/spec/destination/namespace"),
            },
            sync_policy,
            ignore_differences,
            manifest: json,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
spec:
  project: default
  source:
    repoURL: https://git.example/guestbook
    path: guestbook
    targetRevision: HEAD
  destination:
    server: https://kubernetes.default.svc
    namespace: demo
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
    - CreateNamespace=true
    - PruneLast=true
    retry:
      limit: 3
      backoff:
        duration: 10s
        factor: 3
        maxDuration: 1m
  ignoreDifferences:
  - group: apps
    kind: Deployment
    jsonPointers:
    - /spec/replicas
";

    #[test]
    fn parses_argo_cd_format() {
        let app = Application::parse(GOOD, "app.yaml").unwrap();
        assert_eq!(app.name, "guestbook");
        assert_eq!(app.namespace, "argocd");
        assert_eq!(app.source.path, "guestbook");
        assert_eq!(app.destination.namespace, "demo");
        let auto = app.sync_policy.automated.unwrap();
        assert!(auto.prune && auto.self_heal && !auto.allow_empty);
        assert!(app.sync_policy.options.create_namespace && app.sync_policy.options.prune_last);
        let retry = app.sync_policy.retry.unwrap();
        assert_eq!(
            (retry.limit, retry.delay(0), retry.delay(1), retry.delay(3)),
            (3, 10_000, 30_000, 60_000)
        );
        assert_eq!(app.ignore_differences[0].json_pointers, ["/spec/replicas"]);
    }

    #[test]
    fn unknown_fields_are_located() {
        let bad = GOOD
            .replace(
                "    path: guestbook\n",
                "    path: guestbook\n    pathh: x\n",
            )
            .replace("      prune: true", "      prune: yes please");
        let errs = Application::parse(&bad, "app.yaml").unwrap_err();
        let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "app.yaml:10:5: unknown field \"spec.source.pathh\"",
                "app.yaml:17:14: spec.syncPolicy.automated.prune: expected a boolean (true or false)",
            ]
        );
    }

    #[test]
    fn missing_parts_and_wrong_kind() {
        let e = Application::parse("apiVersion: v1\nkind: ConfigMap\n", "a.yaml").unwrap_err();
        assert!(e[0]
            .message
            .contains("expected apiVersion argoproj.io/v1alpha1"));
        let e = Application::parse(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {}\nspec: {}\n",
            "a.yaml",
        )
        .unwrap_err();
        let msgs: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "metadata.name: Required value: name is required",
                "spec.source: Required value"
            ]
        );
    }
}
