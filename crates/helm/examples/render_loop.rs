//! Renders a chart directory N times in a loop, for profilers (`perf record`/`perf stat`):
//! `cargo run --release -p kubeplay-helm --example render_loop -- DIR N [reuse] [VALUES_YAML]`.
//! Prints the CPU time per render, which a loaded machine disturbs less than wall time.

use kubeplay_helm::{load_chart, RenderOptions, Renderer, UserValues};
use kubeplay_vfs::FileTree;
use std::path::Path;

/// The allocator the `kubeplay` CLI uses, so figures match what users run.
#[global_allocator]
static ALLOCATOR: kubeplay_alloc::Mimalloc = kubeplay_alloc::Mimalloc;

fn walk(dir: &Path, rel: &str, tree: &mut FileTree) {
    for e in std::fs::read_dir(dir).expect("read chart dir") {
        let e = e.expect("dir entry");
        let child = format!("{rel}/{}", e.file_name().to_string_lossy());
        if e.path().is_dir() {
            walk(&e.path(), &child, tree);
        } else {
            tree.write(&child, std::fs::read(e.path()).expect("read file"))
                .expect("write to tree");
        }
    }
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(
        args.get(1)
            .expect("usage: render_loop DIR N [reuse] [VALUES]"),
    );
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let reuse = args.get(3).is_some_and(|s| s == "reuse");
    let values = args.get(4).cloned().unwrap_or_else(|| "{}\n".into());
    let mut tree = FileTree::new();
    walk(dir, "/c", &mut tree);
    let chart = load_chart(&tree, "/c").expect("load chart");
    let uv = UserValues {
        files: vec![("values.yaml".into(), values)],
        ..Default::default()
    };
    let vals = uv.merged(&|_| Err("none".into())).expect("values");
    let opts = RenderOptions {
        name: "demo".into(),
        namespace: "play".into(),
        ..Default::default()
    };
    let mut warm = Renderer::default();
    let start = cpu_seconds();
    let wall = std::time::Instant::now();
    let mut count = 0;
    for _ in 0..n {
        let out = if reuse {
            warm.render(&chart, &vals, &opts)
        } else {
            Renderer::default().render(&chart, &vals, &opts)
        };
        count += out.expect("render").templates.len();
    }
    let cpu = cpu_seconds() - start;
    println!(
        "{n} renders ({}), {count} templates: {:.1} µs CPU, {:.1} µs wall per render",
        if reuse {
            "parsed templates reused"
        } else {
            "parse + render"
        },
        cpu * 1e6 / n as f64,
        wall.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
