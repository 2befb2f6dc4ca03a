//! The few browser calls the app makes, each in one place: the URL, the clipboard, file
//! downloads and uploads, the theme attribute.

use crate::workspace::Workspace;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Milliseconds from the page's performance clock (0 where there is none).
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The URL fragment, with its `#`.
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

pub fn search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The page's URL without query and fragment.
pub fn base_url() -> String {
    let Some(loc) = window().map(|w| w.location()) else {
        return String::new();
    };
    format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    )
}

/// Replaces the fragment without a history entry or a scroll.
pub fn replace_hash(fragment: &str) {
    if let Some(w) = window() {
        if let Ok(h) = w.history() {
            let url = format!(
                "{}{}#{fragment}",
                w.location().pathname().unwrap_or_default(),
                w.location().search().unwrap_or_default()
            );
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// Copies text; resolves to false when the browser refuses (no permission, no focus).
pub async fn copy(text: &str) -> bool {
    let Some(w) = window() else { return false };
    JsFuture::from(w.navigator().clipboard().write_text(text))
        .await
        .is_ok()
}

pub fn confirm(message: &str) -> bool {
    window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

pub fn prompt(message: &str, default: &str) -> Option<String> {
    window()
        .and_then(|w| w.prompt_with_message_and_default(message, default).ok())
        .flatten()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Saves `bytes` as a download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else {
        return;
    };
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Reads uploaded files: text files by their path (a folder upload keeps its relative
/// paths), chart archives (`.tgz`) unpacked under the chart's name.
pub async fn read_uploads(files: Vec<web_sys::File>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for file in files {
        let name = file.name();
        let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| name.clone());
        if name.ends_with(".tgz") || name.ends_with(".tar.gz") {
            let buf = JsFuture::from(file.array_buffer())
                .await
                .map_err(|_| format!("{name}: could not be read"))?;
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            out.extend(unpack_chart(&name, &bytes)?);
        } else {
            let text = JsFuture::from(file.text())
                .await
                .map_err(|_| format!("{name}: could not be read"))?;
            out.push((format!("/{relative}"), text.as_string().unwrap_or_default()));
        }
    }
    Ok(out)
}

/// A chart archive's files under `/<chart name>/`.
pub fn unpack_chart(archive: &str, bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let files =
        kubeplay_helm::archive::read_chart_archive(bytes).map_err(|e| format!("{archive}: {e}"))?;
    let chart_name = files
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .and_then(|f| {
            String::from_utf8_lossy(&f.data).lines().find_map(|l| {
                l.strip_prefix("name:")
                    .map(|n| n.trim().trim_matches(['"', '\'']).to_string())
            })
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            archive
                .trim_end_matches(".tgz")
                .trim_end_matches(".tar.gz")
                .to_string()
        });
    Ok(files
        .into_iter()
        .filter_map(|f| {
            // The workspace holds text; binary files of a chart (icons) are left out.
            String::from_utf8(f.data)
                .ok()
                .map(|t| (format!("/{chart_name}/{}", f.name), t))
        })
        .collect())
}

/// The workspace as a .zip download.
pub fn download_zip(ws: &Workspace) {
    let bytes = crate::zip::zip(ws.files.iter().map(|(p, t)| (p.as_str(), t.as_bytes())));
    download("kubeplay-workspace.zip", &bytes, "application/zip");
}

/// Sets `data-theme` on the root element ("auto" removes it: the OS decides).
pub fn apply_theme(theme: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        if theme == "auto" {
            let _ = root.remove_attribute("data-theme");
        } else {
            let _ = root.set_attribute("data-theme", theme);
        }
    }
}

/// Whether the OS prefers a dark scheme.
pub fn prefers_dark() -> bool {
    window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Moves the keyboard focus into the element matching `selector`.
pub fn focus(selector: &str) {
    if let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
