//! What the page's worker does on each edit: a `Render` request for the open example, with
//! the user typing in one file. "session" is the worker's `Session`, which keeps each chart
//! template's parse while its text is unchanged; "stateless" is `render::render`, which
//! starts from nothing each time (what the worker did before the session kept parses).
//! Each iteration alternates between two versions of the edited file, so every render sees
//! a change, as it does while typing.

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay_session::examples::{self, Example};
use kubeplay_session::protocol::{Request, Session};
use kubeplay_session::render;
use kubeplay_session::workspace::Workspace;
use std::hint::black_box;

/// Two versions of `example`'s workspace, `file` edited by appending `a` or `b`.
fn versions(example: &Example, file: &str, a: &str, b: &str) -> [Workspace; 2] {
    let mut base = example.workspace();
    base.history.clear();
    [a, b].map(|extra| {
        let mut ws = base.clone();
        let text = ws.files.get_mut(file).expect("the example has the file");
        text.push_str(extra);
        ws
    })
}

fn bench(c: &mut Criterion) {
    let cases = [
        (
            "helm-chart, typing in values.yaml",
            versions(&examples::HELM, "/mychart/values.yaml", "# a\n", "# b\n"),
        ),
        (
            "helm-chart, typing in deployment.yaml",
            versions(
                &examples::HELM,
                "/mychart/templates/deployment.yaml",
                "# a\n",
                "# b\n",
            ),
        ),
        (
            "overlays, typing in dev's kustomization",
            versions(
                &examples::OVERLAYS,
                "/overlays/dev/kustomization.yaml",
                "# a\n",
                "# b\n",
            ),
        ),
    ];
    let clock = || 0.0;
    for (name, workspaces) in &cases {
        let mut session = Session::default();
        let mut turn = 0;
        c.bench_function(&format!("page render: {name} (session)"), |b| {
            b.iter(|| {
                turn ^= 1;
                let ws = Box::new(workspaces[turn].clone());
                black_box(session.handle(Request::Render(ws), &clock))
            })
        });
        c.bench_function(&format!("page render: {name} (stateless)"), |b| {
            b.iter(|| {
                turn ^= 1;
                black_box(render::render(&workspaces[turn].clone()))
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
