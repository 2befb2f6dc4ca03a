//! The workspace's files, grouped by folder; a click opens one.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub paths: Vec<String>,
    pub selected: String,
    pub on_select: Callback<String>,
}

#[function_component(FileTree)]
pub fn file_tree(props: &Props) -> Html {
    let mut last_dir = String::new();
    let mut rows = Vec::new();
    for path in &props.paths {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        if dir != last_dir {
            rows.push(html! { <li class="dir" key={format!("d:{dir}")}>{format!("{}/", dir.trim_start_matches('/'))}</li> });
            last_dir = dir.to_string();
        }
        let onclick = {
            let on_select = props.on_select.clone();
            let path = path.clone();
            Callback::from(move |_| on_select.emit(path.clone()))
        };
        let class = classes!("file", (path == &props.selected).then_some("selected"));
        rows.push(html! {
            <li key={path.clone()}>
                <button {class} {onclick} title={path.clone()}
                    aria-current={(path == &props.selected).then_some("true")}>
                    {name}
                </button>
            </li>
        });
    }
    html! {
        <nav class="pane file-tree" aria-label="Files">
            <div class="pane-title">{"Files"}</div>
            <ul>{rows}</ul>
        </nav>
    }
}
