//! Embeds every `src/health/rules/bundled/*.rules` file, so adding a bundled rule file needs
//! no code change. The list is sorted, so the generated code is the same on every machine.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("src/health/rules/bundled");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("bundled rules folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        let abs = fs::canonicalize(path).expect("rule file path");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("]\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("bundled_rules.rs");
    fs::write(dest, out).expect("write bundled_rules.rs");
}
