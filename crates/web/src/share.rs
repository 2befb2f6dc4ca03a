//! The share link: the whole workspace (files and settings) as JSON, deflated and
//! base64url-encoded into the URL fragment. The fragment never leaves the browser, so a link
//! carries the workspace without sending it anywhere.

use crate::workspace::Workspace;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The fragment key of an encoded workspace: `#w=...`.
pub const KEY: &str = "w";

/// Links decode to at most this much JSON (a guard against a hostile link).
const MAX_JSON: usize = 8 << 20;

pub fn encode(ws: &Workspace) -> String {
    let json = serde_json::to_vec(ws).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 9))
}

pub fn decode(data: &str) -> Option<Workspace> {
    let bytes = URL_SAFE_NO_PAD
        .decode(data.trim().trim_end_matches('='))
        .ok()?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_JSON).ok()?;
    serde_json::from_slice::<Workspace>(&json)
        .ok()
        .filter(|w| !w.files.is_empty())
        .map(Workspace::repaired)
}

/// The value of `key` in a fragment or query (`#a=1&w=...`, `?embed=1`), undecoded.
pub fn param<'a>(fragment: &'a str, key: &str) -> Option<&'a str> {
    fragment
        .trim_start_matches(['#', '?'])
        .split('&')
        .find_map(|kv| match kv.split_once('=') {
            Some((k, v)) if k == key => Some(v),
            None if kv == key => Some(""),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;

    #[test]
    fn round_trips_every_example_exactly() {
        for ex in examples::ALL {
            let mut ws = ex.workspace();
            ws.settings.set = "a.b=1\n".into();
            ws.dirs.insert("/empty".into());
            let enc = encode(&ws);
            assert!(enc
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            assert_eq!(decode(&enc), Some(ws));
        }
    }

    #[test]
    fn compresses_and_rejects_garbage() {
        let ws = examples::HELM.workspace();
        let json = serde_json::to_string(&ws).unwrap();
        assert!(encode(&ws).len() * 2 < json.len());
        assert_eq!(decode("not-a-workspace"), None);
        assert_eq!(decode(""), None);
    }

    #[test]
    fn reads_parameters() {
        assert_eq!(param("#embed&w=abc", "w"), Some("abc"));
        assert_eq!(param("?embed&panes=editor", "embed"), Some(""));
        assert_eq!(
            param("?panes=editor,output", "panes"),
            Some("editor,output")
        );
        assert_eq!(param("#x=1", "w"), None);
    }
}
