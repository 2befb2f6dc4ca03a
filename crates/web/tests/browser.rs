//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounted in a real DOM.

use gloo_timers::future::TimeoutFuture;
use kubeplay_web::{app::App, examples, storage, workspace::Workspace};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// Lets Yew's scheduler run its pending renders and effects.
async fn settle() {
    TimeoutFuture::new(30).await;
}

fn rendered_text(root: &Element) -> String {
    root.query_selector("[data-testid=rendered]")
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn storage_round_trips_a_workspace() {
    let ws = Workspace::from_files([("/x.yaml".to_string(), "kind: Pod\n".to_string())]);
    storage::save(&ws).unwrap();
    assert_eq!(storage::load(), Some(ws));
}

#[wasm_bindgen_test]
async fn app_opens_on_the_example_and_rerenders_on_input() {
    storage::save(&examples::DEFAULT.workspace()).unwrap();
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    assert!(rendered_text(&root).contains("name: liveness-http"));

    let area: HtmlTextAreaElement = root
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    area.set_value("kind: Service\nmetadata:\n  name: web\n");
    let event = web_sys::InputEvent::new("input").unwrap();
    area.dispatch_event(&event).unwrap();
    settle().await;
    assert!(rendered_text(&root).contains("name: web"));
    // Autosave kept the edit.
    assert_eq!(
        storage::load().unwrap().selected_text(),
        "kind: Service\nmetadata:\n  name: web\n"
    );

    area.set_value("kind: [\n");
    area.dispatch_event(&event).unwrap();
    settle().await;
    let problems = root
        .query_selector(".problems")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        problems.contains("/probes/liveness-http.yaml:"),
        "{problems}"
    );
    // The last good output stays, marked stale.
    assert!(rendered_text(&root).contains("name: web"));
    assert!(root.query_selector(".output.stale").unwrap().is_some());
    assert!(root.query_selector(".gutter .ln.err").unwrap().is_some());
}
