//! A draggable, keyboard-operable divider between two panes.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub label: AttrValue,
    /// Pixels moved (pointer drag or arrow keys).
    pub on_move: Callback<f64>,
}

#[function_component(Splitter)]
pub fn splitter(props: &Props) -> Html {
    let last = use_mut_ref(|| None::<f64>);
    let onpointerdown = {
        let last = last.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            *last.borrow_mut() = Some(e.client_x() as f64);
            e.prevent_default();
        })
    };
    let onpointermove = {
        let (last, on_move) = (last.clone(), props.on_move.clone());
        Callback::from(move |e: PointerEvent| {
            let prev = *last.borrow();
            if let Some(prev) = prev {
                let x = e.client_x() as f64;
                *last.borrow_mut() = Some(x);
                on_move.emit(x - prev);
            }
        })
    };
    let stop = {
        let last = last.clone();
        Callback::from(move |_: PointerEvent| *last.borrow_mut() = None)
    };
    let onkeydown = {
        let on_move = props.on_move.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowLeft" => on_move.emit(-24.0),
            "ArrowRight" => on_move.emit(24.0),
            _ => {}
        })
    };
    html! {
        <div class="splitter" role="separator" aria-orientation="vertical" tabindex="0"
            aria-label={props.label.clone()} title="Drag, or use the arrow keys, to resize"
            {onpointerdown} {onpointermove} onpointerup={stop.clone()} onpointercancel={stop} {onkeydown} />
    }
}
