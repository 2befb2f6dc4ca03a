//! One revision of a release, stored as Helm 4 stores it: a Secret
//! `sh.helm.release.v1.NAME.vREVISION` of type `helm.sh/release.v1` in the release's
//! namespace, labelled `name`, `owner: helm`, `status` and `version` (plus `createdAt` and
//! `modifiedAt`, Unix seconds), whose `release` entry is the release as JSON, gzipped and
//! base64-encoded (and base64-encoded once more as Secret data).

use std::io::{Read, Write};

use serde_json::{json, Value as Json};

use crate::funcs::sprig::date::Time;
use crate::funcs::sprig::encoding::{b64_decode, b64_std};
use crate::values::Values;

/// Helm's `release.Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Unknown,
    Deployed,
    Uninstalled,
    Superseded,
    Failed,
    Uninstalling,
    PendingInstall,
    PendingUpgrade,
    PendingRollback,
}

impl Status {
    const ALL: [Status; 9] = [
        Status::Unknown,
        Status::Deployed,
        Status::Uninstalled,
        Status::Superseded,
        Status::Failed,
        Status::Uninstalling,
        Status::PendingInstall,
        Status::PendingUpgrade,
        Status::PendingRollback,
    ];

    /// The word Helm prints and stores (`deployed`, `pending-install`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unknown => "unknown",
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
        }
    }

    pub fn parse(s: &str) -> Status {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .unwrap_or(Status::Unknown)
    }
}

/// The `type` of Helm 4's release Secrets.
pub const SECRET_TYPE: &str = "helm.sh/release.v1";

/// One revision of a release.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    /// Helm's `version`: 1 for an install, +1 per upgrade or rollback.
    pub revision: i64,
    pub status: Status,
    /// `Install complete`, `Uninstallation complete`, `Release "x" failed: ...`.
    pub description: String,
    pub chart_name: String,
    pub chart_version: String,
    pub app_version: String,
    /// Unix seconds.
    pub first_deployed: i64,
    pub last_deployed: i64,
    /// Unix seconds; 0 while not uninstalled.
    pub deleted: i64,
    /// The rendered NOTES.txt of the top chart.
    pub notes: String,
    /// The manifests as `helm get manifest` prints them (`---\n# Source: ...\n...`).
    pub manifest: String,
    /// The hook manifests, in the same form.
    pub hooks: String,
    /// The values the user gave (`-f`, `--set`), not the coalesced ones.
    pub config: Values,
    /// Revisions kept in storage (`createdAt` label), Unix seconds.
    pub created_at: i64,
}

fn rfc3339(secs: i64) -> String {
    Time { secs, nanos: 0 }.format("2006-01-02T15:04:05Z07:00")
}

fn parse_rfc3339(s: &str) -> i64 {
    Time::parse("2006-01-02T15:04:05Z", s)
        .map(|t| t.secs)
        .unwrap_or(0)
}

impl Release {
    /// `sh.helm.release.v1.NAME.vREVISION`.
    pub fn secret_name(&self) -> String {
        format!("sh.helm.release.v1.{}.v{}", self.name, self.revision)
    }

    /// `helm list`'s CHART column: `name-version`.
    pub fn chart(&self) -> String {
        format!("{}-{}", self.chart_name, self.chart_version)
    }

    /// The release as Helm's `release.Release` JSON (the parts kubeplay keeps).
    pub fn to_json(&self) -> Json {
        let time = |t: i64| {
            if t == 0 {
                Json::Null
            } else {
                json!(rfc3339(t))
            }
        };
        json!({
            "name": self.name,
            "info": {
                "first_deployed": time(self.first_deployed),
                "last_deployed": time(self.last_deployed),
                "deleted": time(self.deleted),
                "description": self.description,
                "status": self.status.as_str(),
                "notes": self.notes,
            },
            "chart": {"metadata": {
                "name": self.chart_name,
                "version": self.chart_version,
                "appVersion": self.app_version,
            }},
            "config": Json::Object(self.config.clone()),
            "manifest": self.manifest,
            "hooks": self.hooks,
            "version": self.revision,
            "namespace": self.namespace,
        })
    }

    fn from_json(j: &Json, created_at: i64) -> Release {
        let s = |v: &Json| v.as_str().unwrap_or("").to_string();
        let info = &j["info"];
        let meta = &j["chart"]["metadata"];
        Release {
            name: s(&j["name"]),
            namespace: s(&j["namespace"]),
            revision: j["version"].as_i64().unwrap_or(0),
            status: Status::parse(info["status"].as_str().unwrap_or("")),
            description: s(&info["description"]),
            chart_name: s(&meta["name"]),
            chart_version: s(&meta["version"]),
            app_version: s(&meta["appVersion"]),
            first_deployed: parse_rfc3339(info["first_deployed"].as_str().unwrap_or("")),
            last_deployed: parse_rfc3339(info["last_deployed"].as_str().unwrap_or("")),
            deleted: parse_rfc3339(info["deleted"].as_str().unwrap_or("")),
            notes: s(&info["notes"]),
            manifest: s(&j["manifest"]),
            hooks: s(&j["hooks"]),
            config: j["config"].as_object().cloned().unwrap_or_default(),
            created_at,
        }
    }

    /// The Secret that stores this revision; `modified_at` is the `modifiedAt` label (Helm
    /// sets it when a stored revision changes, e.g. pending-install -> deployed).
    pub fn to_secret(&self, modified_at: Option<i64>) -> Json {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(self.to_json().to_string().as_bytes());
        let zipped = gz.finish().unwrap_or_default();
        let encoded = b64_std(&zipped);
        let mut labels = serde_json::Map::new();
        labels.insert("createdAt".into(), json!(self.created_at.to_string()));
        if let Some(m) = modified_at {
            labels.insert("modifiedAt".into(), json!(m.to_string()));
        }
        labels.insert("name".into(), json!(self.name));
        labels.insert("owner".into(), json!("helm"));
        labels.insert("status".into(), json!(self.status.as_str()));
        labels.insert("version".into(), json!(self.revision.to_string()));
        json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": self.secret_name(),
                "namespace": self.namespace,
                "labels": labels,
            },
            "type": SECRET_TYPE,
            "data": {"release": b64_std(encoded.as_bytes())},
        })
    }

    /// Reads a release back from its Secret.
    pub fn from_secret(secret: &Json) -> Result<Release, String> {
        let name = secret["metadata"]["name"].as_str().unwrap_or("");
        let bad = |why: String| format!("release secret {name:?}: {why}");
        if secret["type"] != SECRET_TYPE {
            return Err(bad(format!("type is not {SECRET_TYPE}")));
        }
        let data = secret["data"]["release"]
            .as_str()
            .ok_or_else(|| bad("no release entry".into()))?;
        let once = b64_decode(data).map_err(&bad)?;
        let zipped = b64_decode(&String::from_utf8_lossy(&once)).map_err(&bad)?;
        let mut text = String::new();
        // Bounded: a release record is far below this; a hostile Secret cannot balloon.
        flate2::read::GzDecoder::new(&zipped[..])
            .take(64 << 20)
            .read_to_string(&mut text)
            .map_err(|e| bad(e.to_string()))?;
        let j: Json = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let created_at = secret["metadata"]["labels"]["createdAt"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(Release::from_json(&j, created_at))
    }

    /// Whether a stored object is a release Secret (`owner: helm`, Helm's type).
    pub fn is_release_secret(obj: &Json) -> bool {
        obj["type"] == SECRET_TYPE && obj["metadata"]["labels"]["owner"] == "helm"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Release {
        Release {
            name: "web".into(),
            namespace: "play".into(),
            revision: 1,
            status: Status::Deployed,
            description: "Install complete".into(),
            chart_name: "web".into(),
            chart_version: "0.1.0".into(),
            app_version: "1.16.0".into(),
            first_deployed: 1_700_000_000,
            last_deployed: 1_700_000_000,
            deleted: 0,
            notes: "hi".into(),
            manifest: "---\n# Source: web/templates/a.yaml\na: 1\n".into(),
            hooks: String::new(),
            config: serde_json::from_str(r#"{"replicaCount": 2}"#).unwrap(),
            created_at: 1_700_000_000,
        }
    }

    #[test]
    fn secret_as_helm_names_and_labels_it() {
        let s = sample().to_secret(Some(1_700_000_001));
        assert_eq!(s["metadata"]["name"], "sh.helm.release.v1.web.v1");
        assert_eq!(s["metadata"]["namespace"], "play");
        assert_eq!(s["type"], "helm.sh/release.v1");
        let labels = &s["metadata"]["labels"];
        assert_eq!(labels["name"], "web");
        assert_eq!(labels["owner"], "helm");
        assert_eq!(labels["status"], "deployed");
        assert_eq!(labels["version"], "1");
        assert_eq!(labels["createdAt"], "1700000000");
        assert_eq!(labels["modifiedAt"], "1700000001");
        // data: base64(base64(gzip(json))): gzip's magic bytes after two decodings.
        let once = b64_decode(s["data"]["release"].as_str().unwrap()).unwrap();
        let twice = b64_decode(std::str::from_utf8(&once).unwrap()).unwrap();
        assert_eq!(&twice[..2], &[0x1f, 0x8b]);
    }

    #[test]
    fn round_trips_through_the_secret() {
        let r = sample();
        assert_eq!(Release::from_secret(&r.to_secret(None)).unwrap(), r);
        let j = r.to_json();
        assert_eq!(j["info"]["first_deployed"], "2023-11-14T22:13:20Z");
        assert_eq!(j["info"]["deleted"], Json::Null);
    }

    #[test]
    fn foreign_or_broken_secrets_are_errors() {
        let mut s = sample().to_secret(None);
        s["data"]["release"] = json!("bm90IGd6aXA=");
        assert!(Release::from_secret(&s).is_err());
        s["type"] = json!("Opaque");
        assert!(Release::from_secret(&s)
            .unwrap_err()
            .contains("type is not"));
    }
}
