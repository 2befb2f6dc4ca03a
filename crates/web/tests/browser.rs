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

/// Waits (up to 10 s: debug wasm engines are slow) until the output pane shows the newest
/// input's render, which the engine answers later.
async fn rendered_settled(root: &Element) {
    for _ in 0..500 {
        settle().await;
        let busy = root
            .query_selector(".pane.output")
            .unwrap()
            .and_then(|e| e.get_attribute("aria-busy"));
        if busy.as_deref() == Some("false") {
            return;
        }
    }
    panic!("the render never arrived");
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
    rendered_settled(&root).await;
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
    rendered_settled(&root).await;
    assert!(rendered_text(&root).contains("name: web"));
    // Autosave kept the edit.
    assert_eq!(
        storage::load().unwrap().selected_text(),
        "kind: Service\nmetadata:\n  name: web\n"
    );

    area.set_value("kind: [\n");
    area.dispatch_event(&event).unwrap();
    rendered_settled(&root).await;
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

#[wasm_bindgen_test]
fn a_share_link_opens_its_workspace_before_the_autosave() {
    storage::save(&examples::DEFAULT.workspace()).unwrap();
    let mut ws = examples::HELM.workspace();
    ws.settings.release = "linked".into();
    let hash = format!("#w={}", kubeplay_web::share::encode(&ws));
    let layout = kubeplay_web::app::Layout::from_url("", "");
    assert_eq!(kubeplay_web::app::initial_workspace(&layout, "", &hash), ws);
    // A broken link falls back to the autosave.
    assert_eq!(
        kubeplay_web::app::initial_workspace(&layout, "", "#w=broken"),
        examples::DEFAULT.workspace()
    );
    // An embed never reads the autosave: it shows what its URL says.
    let embed = kubeplay_web::app::Layout::from_url("?embed", "");
    assert_eq!(
        kubeplay_web::app::initial_workspace(&embed, "", "#example=crashloop"),
        examples::CRASHLOOP.workspace()
    );
}

#[wasm_bindgen_test]
async fn embed_mode_mounts_only_the_chosen_panes() {
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let before = window.location().href().unwrap();
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some("?embed&panes=output&readonly#example=helm-chart"),
        )
        .unwrap();
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    rendered_settled(&root).await;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before))
        .unwrap();
    assert!(root.query_selector("textarea").unwrap().is_none());
    assert!(root.query_selector(".file-tree").unwrap().is_none());
    assert!(root.query_selector(".topbar.compact").unwrap().is_some());
    assert!(rendered_text(&root).contains("# Source: mychart/templates/deployment.yaml"));
}

#[wasm_bindgen_test]
async fn the_editor_highlights_and_opens_find_on_ctrl_f() {
    storage::save(&examples::KUSTOMIZE.workspace()).unwrap();
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    rendered_settled(&root).await;
    assert!(rendered_text(&root).contains("image: new-nginx:1.23.1"));
    assert!(root.query_selector(".hl .k").unwrap().is_some());
    let area: HtmlTextAreaElement = root
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("f");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    area.dispatch_event(&event).unwrap();
    settle().await;
    assert!(root.query_selector(".find-bar input").unwrap().is_some());
}
