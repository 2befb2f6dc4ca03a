//! `helm install`, `helm uninstall` and `helm list` against kubeplay's simulated cluster.
//!
//! As in Helm 4: the release name is validated, a name still in use is refused, the chart is
//! rendered as `helm template` renders it, its objects are marked as the release's and an
//! object that already exists without the marks stops the install ([`super::ownership`]),
//! the revision is recorded as `pending-install`,
//! pre-install hooks, the manifests (in [`INSTALL_ORDER`](crate::manifests::INSTALL_ORDER))
//! and post-install hooks are applied, and the record becomes `deployed` (or `failed`, with
//! the API server's error). Uninstall deletes the manifests in
//! [`UNINSTALL_ORDER`](crate::manifests::UNINSTALL_ORDER) and removes the release's records
//! unless history is kept.
//!
//! Simplified: hooks are applied in weight order but not waited for, and their delete
//! policies are not applied (the simulated cluster runs hook Jobs on its own clock); `test`
//! hooks are not run; there is no `--wait`.

use kubeplay_cluster::{ApiError, Cluster};
use serde_json::Value as Json;

use super::ownership;
use super::record::{Release, Status};
use crate::chart::Chart;
use crate::error::HelmError;
use crate::manifests::{by_kind_in, template, Manifest, TemplateOptions, UNINSTALL_ORDER};
use crate::values::Values;

/// Options of `helm install` beyond the chart and values.
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    /// Release name, namespace, clock (`render.now`) and the rest of rendering.
    pub template: TemplateOptions,
    /// The values the user gave (`-f`, `--set`), recorded as the release's config.
    pub user_config: Values,
    /// `--create-namespace`.
    pub create_namespace: bool,
    /// `--replace`: reuse the name of a release that is uninstalled (history kept) or
    /// failed; the old record becomes `superseded`.
    pub replace: bool,
}

/// Helm's release name rule (`chartutil.ValidateReleaseName`).
pub fn validate_release_name(name: &str) -> Result<(), HelmError> {
    const PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    let err = |why: String| HelmError::Release(format!("release name {name:?}: {why}"));
    if name.is_empty() {
        return Err(err("no name provided".into()));
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && inner(&b[0])
            && inner(&b[b.len() - 1])
            && b.iter().all(|c| inner(c) || *c == b'-')
    };
    if name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(err(format!(
            "invalid release name, must match regex {PATTERN} and the length must not be longer than 53"
        )));
    }
    Ok(())
}

/// Every stored revision of every release in `namespace` (all namespaces when `None`),
/// oldest revision first per release.
pub fn history(cluster: &Cluster, namespace: Option<&str>) -> Vec<Release> {
    let mut out: Vec<Release> = cluster
        .list("Secret")
        .iter()
        .filter(|s| Release::is_release_secret(s))
        .filter(|s| namespace.is_none_or(|ns| s["metadata"]["namespace"] == ns))
        .filter_map(|s| Release::from_secret(s).ok())
        .collect();
    out.sort_by(|a, b| {
        (&a.namespace, &a.name, a.revision).cmp(&(&b.namespace, &b.name, b.revision))
    });
    out
}

fn latest(cluster: &Cluster, name: &str, namespace: &str) -> Option<Release> {
    history(cluster, Some(namespace))
        .into_iter()
        .filter(|r| r.name == name)
        .max_by_key(|r| r.revision)
}

/// `helm list` (`--all-namespaces` when `namespace` is `None`): the latest revision of each
/// release that is deployed or failed, by name.
pub fn list(cluster: &Cluster, namespace: Option<&str>) -> Vec<Release> {
    let mut latest: Vec<Release> = Vec::new();
    for r in history(cluster, namespace) {
        match latest.last_mut() {
            Some(l) if l.name == r.name && l.namespace == r.namespace => *l = r,
            _ => latest.push(r),
        }
    }
    latest.retain(|r| matches!(r.status, Status::Deployed | Status::Failed));
    latest.sort_by(|a, b| (&a.name, &a.namespace).cmp(&(&b.name, &b.namespace)));
    latest
}

fn store(cluster: &mut Cluster, r: &Release, modified_at: Option<i64>) -> Result<(), HelmError> {
    cluster
        .apply(r.to_secret(modified_at))
        .map(|_| ())
        .map_err(|e| HelmError::Release(format!("create: failed to create: {}", api_error(&e))))
}

/// The API server's words for a failed request.
fn api_error(e: &ApiError) -> String {
    match e {
        ApiError::NoKindMatch { kind, api_version } => format!(
            "resource mapping not found for kind {kind:?} in version {api_version:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
        ),
        other => other.to_string(),
    }
}

/// A manifest's YAML as the object the API server receives: like Helm's kube client
/// (go-yaml v2 typing through JSON), but integers stay integers, as the API's types want.
fn manifest_json(text: &str, source: &str) -> Result<Json, kubeplay_yaml::Error> {
    let docs = kubeplay_yaml::parse_documents_with(
        text,
        source,
        &kubeplay_yaml::ParseOptions::helm_values(),
    )?;
    match docs.first() {
        None => Ok(Json::Null),
        Some(doc) => kubeplay_yaml::to_json_with(
            doc,
            &kubeplay_yaml::JsonOptions {
                flavor: kubeplay_yaml::JsonFlavor::SigsYaml,
                numbers_as_f64: false,
            },
        ),
    }
}

/// A manifest as an object to send, in the release's namespace unless it names one.
fn object(m: &Manifest, namespace: &str) -> Result<Json, HelmError> {
    let mut obj = manifest_json(&m.content, &m.source).map_err(|e| {
        HelmError::Release(format!(
            "unable to build kubernetes objects from release manifest: error parsing {}: {}",
            m.source, e.goyaml
        ))
    })?;
    if let Some(meta) = obj.get_mut("metadata").and_then(Json::as_object_mut) {
        if !meta.contains_key("namespace") && m.kind != "Namespace" {
            meta.insert("namespace".into(), Json::from(namespace));
        }
    }
    Ok(obj)
}

fn hook_weight(m: &Manifest) -> i64 {
    manifest_json(&m.content, &m.source)
        .ok()
        .and_then(|j| {
            j["metadata"]["annotations"]["helm.sh/hook-weight"]
                .as_str()
                .and_then(|w| w.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Hooks of one event, in Helm's order: weight, then kind, then name.
fn hooks_for<'a>(hooks: &'a [Manifest], event: &str) -> Vec<&'a Manifest> {
    let mut v: Vec<&Manifest> = hooks
        .iter()
        .filter(|h| h.hooks.iter().any(|e| e == event))
        .collect();
    v.sort_by(|a, b| {
        hook_weight(a)
            .cmp(&hook_weight(b))
            .then_with(|| by_kind_in(crate::manifests::INSTALL_ORDER, &a.kind, &b.kind))
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

fn stream(ms: &[&Manifest]) -> String {
    ms.iter()
        .map(|m| format!("---\n# Source: {}\n{}\n", m.source, m.content))
        .collect()
}

/// `helm install NAME CHART` into the cluster. Returns the deployed release; a failure after
/// the release was recorded leaves it `failed` in the cluster, as Helm does.
pub fn install(
    cluster: &mut Cluster,
    chart: &Chart,
    values: &Values,
    opts: &InstallOptions,
) -> Result<Release, HelmError> {
    let r = &opts.template.render;
    validate_release_name(&r.name)?;
    let previous = latest(cluster, &r.name, &r.namespace);
    if let Some(prev) = &previous {
        if !(opts.replace && matches!(prev.status, Status::Uninstalled | Status::Failed)) {
            return Err(HelmError::Release(
                "cannot reuse a name that is still in use".into(),
            ));
        }
    }
    let revision = previous.as_ref().map_or(1, |p| p.revision + 1);
    let mut topts = opts.template.clone();
    topts.render.is_install = true;
    topts.render.is_upgrade = false;
    topts.render.revision = revision;
    topts.include_crds = true;
    let out = template(chart, values, &topts)?;
    let (hooks, manifests): (Vec<Manifest>, Vec<Manifest>) =
        out.manifests.into_iter().partition(|m| !m.hooks.is_empty());
    // Helm builds the manifest's objects, marks them as the release's and refuses to take
    // over one that exists unmarked before it records anything.
    let mut resources = Vec::with_capacity(manifests.len());
    for m in &manifests {
        let mut obj = object(m, &r.namespace)?;
        ownership::mark(&mut obj, &r.name, &r.namespace);
        if let Err(why) = adoptable(cluster, &obj, &r.name, &r.namespace) {
            return Err(HelmError::Release(format!(
                "rendered manifests contain a resource that already exists. Unable to continue with install: {why}"
            )));
        }
        resources.push(obj);
    }
    let now = r.now;
    let mut release = Release {
        name: r.name.clone(),
        namespace: r.namespace.clone(),
        revision,
        status: Status::PendingInstall,
        description: "Initial install underway".into(),
        chart_name: out.rendered.chart.metadata.name.clone(),
        chart_version: out.rendered.chart.metadata.version.clone(),
        app_version: out.rendered.chart.metadata.app_version.clone(),
        first_deployed: now,
        last_deployed: now,
        deleted: 0,
        notes: out.notes.clone().unwrap_or_default(),
        manifest: stream(&manifests.iter().collect::<Vec<_>>()),
        hooks: stream(&hooks.iter().collect::<Vec<_>>()),
        config: opts.user_config.clone(),
        created_at: now,
    };
    if opts.create_namespace && cluster.get("Namespace", "", &r.namespace).is_none() {
        let ns = serde_json::json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": r.namespace, "labels": {"name": r.namespace}}});
        cluster
            .apply(ns)
            .map_err(|e| HelmError::Release(api_error(&e)))?;
    }
    store(cluster, &release, None)?;
    if let Some(mut prev) = previous {
        prev.status = Status::Superseded;
        store(cluster, &prev, Some(now))?;
    }
    let hook_objects = |event: &str| -> Vec<Result<Json, HelmError>> {
        hooks_for(&hooks, event)
            .into_iter()
            .map(|h| object(h, &r.namespace))
            .collect()
    };
    let mut objects = hook_objects("pre-install");
    objects.extend(resources.into_iter().map(Ok));
    objects.extend(hook_objects("post-install"));
    for obj in objects {
        let applied = obj.and_then(|obj| {
            cluster
                .apply(obj)
                .map_err(|e| HelmError::Release(api_error(&e)))
        });
        if let Err(e) = applied {
            release.status = Status::Failed;
            release.description = format!("Release {:?} failed: {}", r.name, e.message());
            store(cluster, &release, Some(now))?;
            return Err(e);
        }
    }
    release.status = Status::Deployed;
    release.description = "Install complete".into();
    store(cluster, &release, Some(now))?;
    Ok(release)
}

/// `Ok` when `obj` does not exist yet or exists with the release's marks (Helm adopts it),
/// else `Kind "name" in namespace "ns" exists and cannot be imported ...`.
fn adoptable(cluster: &Cluster, obj: &Json, release: &str, namespace: &str) -> Result<(), String> {
    let kind = obj["kind"].as_str().unwrap_or_default();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
    let Some(existing) = cluster.get(kind, ns, name) else {
        return Ok(());
    };
    ownership::check(&existing, release, namespace).map_err(|why| {
        format!(
            "{kind} {name:?} in namespace {ns:?} exists and cannot be imported into the current release: {why}"
        )
    })
}

/// Options of `helm uninstall`.
#[derive(Debug, Clone, Default)]
pub struct UninstallOptions {
    pub namespace: String,
    /// `--keep-history`: keep the records, marked `uninstalled`.
    pub keep_history: bool,
    /// Unix seconds (the record's `deleted` time with `keep_history`).
    pub now: i64,
}

/// What an uninstall did.
#[derive(Debug, Clone)]
pub struct Uninstalled {
    pub release: Release,
    /// `kind/name` of each object deleted, in deletion order.
    pub deleted: Vec<String>,
    /// Objects of the manifest that were already gone (Helm only logs these).
    pub missing: Vec<String>,
}

/// `helm uninstall NAME`.
pub fn uninstall(
    cluster: &mut Cluster,
    name: &str,
    opts: &UninstallOptions,
) -> Result<Uninstalled, HelmError> {
    let not_found = || {
        HelmError::Release(format!(
            "uninstall: Release not loaded: {name}: release: not found"
        ))
    };
    validate_release_name(name).map_err(|_| not_found())?;
    let all: Vec<Release> = history(cluster, Some(&opts.namespace))
        .into_iter()
        .filter(|r| r.name == name)
        .collect();
    let Some(mut release) = all.iter().max_by_key(|r| r.revision).cloned() else {
        return Err(not_found());
    };
    if release.status == Status::Uninstalled {
        if !opts.keep_history {
            purge(cluster, &all)?;
            return Ok(Uninstalled {
                release,
                deleted: Vec::new(),
                missing: Vec::new(),
            });
        }
        return Err(HelmError::Release(format!(
            "the release named {name:?} is already deleted"
        )));
    }
    let docs = crate::manifests::split_manifests(&release.manifest);
    let mut objs: Vec<(String, Json)> = Vec::new();
    for d in docs {
        let Ok(j) = manifest_json(&d, "manifest") else {
            continue;
        };
        if let Some(kind) = j["kind"].as_str() {
            objs.push((kind.to_string(), j));
        }
    }
    objs.sort_by(|a, b| by_kind_in(UNINSTALL_ORDER, &a.0, &b.0));
    let mut deleted = Vec::new();
    let mut missing = Vec::new();
    for (kind, obj) in &objs {
        let obj_name = obj["metadata"]["name"].as_str().unwrap_or("");
        let ns = match obj["metadata"]["namespace"].as_str() {
            Some(ns) => ns,
            None if kind == "Namespace" => "",
            None => &release.namespace,
        };
        let what = format!("{}/{obj_name}", kind.to_lowercase());
        match cluster.delete(kind, ns, obj_name) {
            Ok(()) => deleted.push(what),
            Err(ApiError::NotFound { .. }) => missing.push(what),
            Err(e) => return Err(HelmError::Release(api_error(&e))),
        }
    }
    if opts.keep_history {
        release.status = Status::Uninstalled;
        release.description = "Uninstallation complete".into();
        release.deleted = opts.now;
        store(cluster, &release, Some(opts.now))?;
    } else {
        purge(cluster, &all)?;
    }
    Ok(Uninstalled {
        release,
        deleted,
        missing,
    })
}

fn purge(cluster: &mut Cluster, records: &[Release]) -> Result<(), HelmError> {
    for r in records {
        match cluster.delete("Secret", &r.namespace, &r.secret_name()) {
            Ok(()) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(HelmError::Release(api_error(&e))),
        }
    }
    Ok(())
}
