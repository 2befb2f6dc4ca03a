//! Table-driven byte-for-byte comparison with the real tools, over the files in
//! `tests/fixtures/` (inputs written by hand, goldens printed by `kubectl kustomize` v5.5.0
//! and Helm's `toYaml`; `tests/fixtures/regen.py` rebuilds the goldens).

use std::fs;
use std::path::{Path, PathBuf};

use kubeplay_yaml::kyaml::parse_resources;
use kubeplay_yaml::{
    emit_json, emit_json_documents, parse_documents_with, to_json, to_json_with, EmitOptions,
    Error, JsonFlavor, JsonOptions, ParseOptions,
};
use serde_json::Value as Json;

fn fixtures(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut v: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.ends_with(suffix) && !n.ends_with(".golden.yaml")
        })
        .collect();
    v.sort();
    v
}

fn sibling(p: &Path, strip: &str, add: &str) -> PathBuf {
    let name = p.file_name().unwrap().to_string_lossy();
    p.with_file_name(format!("{}{add}", name.strip_suffix(strip).unwrap()))
}

/// What `kustomize build` prints for a one-file kustomization: kyaml reads the resources,
/// each object goes to JSON and back out through sigs.k8s.io/yaml.
fn kustomize_build(src: &str, file: &str) -> Result<String, Error> {
    let docs = parse_resources(src, file, &ParseOptions::default())?;
    let objects: Vec<Json> = docs.iter().map(to_json).collect::<Result<_, _>>()?;
    emit_json_documents(&objects, &EmitOptions::sigs_yaml())
}

#[test]
fn kustomize_goldens() {
    let mut failures = Vec::new();
    let cases = fixtures("kustomize", ".yaml");
    let (mut outputs, mut errors) = (0, 0);
    for input in &cases {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let src = fs::read_to_string(input).unwrap();
        let golden = sibling(input, ".yaml", ".golden.yaml");
        let error = sibling(input, ".yaml", ".error.txt");
        let got = kustomize_build(&src, "resource.yaml");
        if golden.exists() {
            outputs += 1;
            let want = fs::read_to_string(&golden).unwrap();
            match got {
                Ok(out) if out == want => {}
                Ok(out) => failures.push(format!("{name}: output differs\n{}", diff(&want, &out))),
                Err(e) => failures.push(format!("{name}: unexpected error {e}")),
            }
        } else if error.exists() {
            errors += 1;
            // klog indents continuation lines with a tab.
            let want = fs::read_to_string(&error).unwrap().replace("\n\t", "\n");
            match got {
                Err(e) if want.contains(e.goyaml()) => {}
                Err(e) => failures.push(format!(
                    "{name}: error {:?} is not in kustomize's {want:?}",
                    e.goyaml()
                )),
                Ok(_) => failures.push(format!("{name}: kustomize fails, we do not: {want}")),
            }
        } else {
            failures.push(format!("{name}: no golden; run tests/fixtures/regen.py"));
        }
    }
    eprintln!(
        "kustomize goldens: {} passed, {} failed ({outputs} outputs, {errors} errors)",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(cases.len() >= 10, "fixtures missing");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Helm drops map keys whose value is null when it coalesces values; that is Helm's job
/// (the helm crate), repeated here so the fixture can check how nulls print in lists.
fn drop_null_keys(v: &mut Json) {
    match v {
        Json::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(drop_null_keys);
        }
        Json::Array(a) => a.iter_mut().for_each(drop_null_keys),
        _ => {}
    }
}

/// Helm's values: read by sigs.k8s.io/yaml (go-yaml v2, numbers as float64).
fn helm_values(src: &str, file: &str) -> Result<Json, Error> {
    let docs = parse_documents_with(src, file, &ParseOptions::helm_values())?;
    let opts = JsonOptions {
        flavor: JsonFlavor::SigsYaml,
        numbers_as_f64: true,
    };
    let mut values = match docs.first() {
        Some(d) if !d.is_null() => to_json_with(d, &opts)?,
        _ => Json::Object(Default::default()),
    };
    drop_null_keys(&mut values);
    Ok(values)
}

/// A template line `{{ toYaml X }}`: printed by sigs.k8s.io/yaml, final newline trimmed by
/// toYaml and put back by the template's own newline.
fn to_yaml_line(v: &Json) -> Result<String, Error> {
    template_line(v, &EmitOptions::sigs_yaml())
}

fn template_line(v: &Json, opts: &EmitOptions) -> Result<String, Error> {
    let out = emit_json(v, opts)?;
    Ok(format!("{}\n", out.strip_suffix('\n').unwrap_or(&out)))
}

/// What `{{ toYaml .Values }}` renders.
fn helm_to_yaml(src: &str, file: &str) -> Result<String, Error> {
    to_yaml_line(&helm_values(src, file)?)
}

/// `{{ toYaml .Values.KEY }}` for each top-level key, after a `# KEY` line (in file order).
fn helm_each(src: &str, file: &str) -> Result<String, Error> {
    let values = helm_values(src, file)?;
    let mut out = String::new();
    for line in src.lines() {
        if line.is_empty() || line.starts_with([' ', '#']) {
            continue;
        }
        let key = line.split(':').next().unwrap_or_default();
        out.push_str(&format!("# {key}\n{}", to_yaml_line(&values[key])?));
    }
    Ok(out)
}

#[test]
fn helm_goldens() {
    let mut failures = Vec::new();
    let mut cases = fixtures("helm", ".values.yaml");
    cases.extend(fixtures("helm", ".each.yaml"));
    cases.extend(fixtures("helm", ".pretty.yaml"));
    for input in &cases {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let src = fs::read_to_string(input).unwrap();
        let each = name.ends_with(".each.yaml");
        let pretty = name.ends_with(".pretty.yaml");
        let golden = if each {
            sibling(input, ".each.yaml", ".each.golden.yaml")
        } else if pretty {
            sibling(input, ".pretty.yaml", ".pretty.golden.yaml")
        } else {
            sibling(input, ".values.yaml", ".golden.yaml")
        };
        let error = (!each && !pretty).then(|| sibling(input, ".values.yaml", ".error.txt"));
        if let Some(error) = error.filter(|e| e.exists()) {
            let want = fs::read_to_string(&error).unwrap();
            match helm_values(&src, "values.yaml") {
                Err(e) if want.contains(e.goyaml()) => {}
                Err(e) => failures.push(format!(
                    "{name}: error {:?} is not in Helm's {want:?}",
                    e.goyaml()
                )),
                Ok(_) => failures.push(format!("{name}: Helm fails, we do not: {want}")),
            }
            continue;
        }
        let want = fs::read_to_string(golden)
            .unwrap_or_else(|_| panic!("{name}: no golden; run tests/fixtures/regen.py"));
        let got = if each {
            helm_each(&src, "values.yaml")
        } else if pretty {
            // {{ toYamlPretty .Values }}: go-yaml v3 on the same values.
            helm_values(&src, "values.yaml")
                .and_then(|v| template_line(&v, &EmitOptions::helm_pretty()))
        } else {
            helm_to_yaml(&src, "values.yaml")
        };
        match got {
            Ok(out) if out == want => {}
            Ok(out) => failures.push(format!("{name}: output differs\n{}", diff(&want, &out))),
            Err(e) => failures.push(format!("{name}: unexpected error {e}")),
        }
    }
    eprintln!(
        "helm goldens: {} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(cases.len() >= 5, "fixtures missing");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// First differing lines, enough to see what went wrong.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<_>, Vec<_>) = (want.lines().collect(), got.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i), g.get(i));
        if a != b {
            out.push_str(&format!(
                "line {}:\n  want {:?}\n  got  {:?}\n",
                i + 1,
                a,
                b
            ));
            shown += 1;
            if shown == 5 {
                break;
            }
        }
    }
    out
}
