//! `cargo xtask bench`: run every criterion bench and print one median per benchmark.
//!
//! criterion prints `time: [low median high]`; the middle figure is the median estimate.

use crate::process::stream;
use crate::{root, Result};
use std::process::Command;

pub fn run() -> Result {
    let mut medians = Vec::new();
    let mut last_name = String::new();
    let ok = stream(
        Command::new("cargo")
            .args([
                "bench",
                "--workspace",
                "--exclude",
                "kubeplay-web",
                "--",
                "--noplot",
            ])
            .current_dir(root()),
        |line| {
            println!("{line}");
            if let Some((name, median)) = parse_time_line(line, &last_name) {
                medians.push((name, median));
            } else if !line.trim().is_empty() && !line.starts_with(' ') {
                last_name = line.split_whitespace().next().unwrap_or("").to_string();
            }
        },
    )?;
    println!("\nbenchmark medians:");
    for (name, median) in &medians {
        println!("  {name:<50} {median}");
    }
    if ok {
        Ok(())
    } else {
        Err("cargo bench failed".into())
    }
}

/// `name  time:   [1.0 ms 1.2 ms 1.4 ms]` (the name may stand on the previous line).
fn parse_time_line(line: &str, previous_name: &str) -> Option<(String, String)> {
    let (head, rest) = line.split_once("time:")?;
    let inner = rest.trim().strip_prefix('[')?.strip_suffix(']')?;
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let median = format!("{} {}", parts.get(2)?, parts.get(3)?);
    let name = match head.trim() {
        "" => previous_name.to_string(),
        n => n.to_string(),
    };
    Some((name, median))
}

#[cfg(test)]
mod tests {
    use super::parse_time_line;

    #[test]
    fn reads_the_median_from_criterion_lines() {
        let line = "render/starter          time:   [1.1000 ms 1.2000 ms 1.3000 ms]";
        assert_eq!(
            parse_time_line(line, ""),
            Some(("render/starter".into(), "1.2000 ms".into()))
        );
        let wrapped = "                        time:   [10.0 µs 11.0 µs 12.0 µs]";
        assert_eq!(
            parse_time_line(wrapped, "a/very/long/name"),
            Some(("a/very/long/name".into(), "11.0 µs".into()))
        );
        assert_eq!(parse_time_line("Benchmarking x: Warming up", ""), None);
    }
}
