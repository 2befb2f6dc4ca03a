//! `cargo xtask size`: what the page costs to download, raw and gzipped, per file and in total.

use crate::site::dist;
use crate::Result;
use std::process::Command;

pub fn run() -> Result {
    let dist = dist();
    let mut entries: Vec<_> = std::fs::read_dir(&dist)
        .map_err(|e| {
            format!(
                "{}: {e} (run `cargo xtask serve` or `test` first)",
                dist.display()
            )
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .collect();
    entries.sort();
    let (mut raw_total, mut gz_total) = (0u64, 0u64);
    for path in &entries {
        let raw = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let gz = gzipped_len(path)?;
        raw_total += raw;
        gz_total += gz;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!("{name:<48} {:>9} raw {:>9} gzipped", kb(raw), kb(gz));
    }
    println!(
        "{:<48} {:>9} raw {:>9} gzipped",
        "total (wasm + js + css)",
        kb(raw_total),
        kb(gz_total)
    );
    Ok(())
}

fn gzipped_len(path: &std::path::Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    Ok(out.stdout.len() as u64)
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}
