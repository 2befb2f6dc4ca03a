//! The page: file tree, editor and rendered output side by side, problems below; dialogs for
//! the examples, sharing, embedding and the shortcuts. One reducer holds the workspace, so
//! every change (typing, file operations, uploads that finish later) applies to the latest.

use crate::browser;
use crate::components::dialogs::{EmbedSnippet, Gallery, Help, Share};
use crate::components::editor::{Editor, JumpTo};
use crate::components::file_tree::{FileOp, FileTree};
use crate::components::history::{DiffDialog, History};
use crate::components::output::{OutputPane, OutputView, SettingsChange};
use crate::components::problems::Problems;
use crate::components::splitter::Splitter;
use crate::engine::{self, RenderReply};
use crate::examples::{self, Example};
use crate::provenance::Origin;
use crate::render::{self, Diagnostic, Rendered, Target};
use crate::workspace::{parent, Workspace};
use crate::{history, share, storage};
use kubeplay_session::protocol::OriginsQuery;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// The workspace behind a reducer: actions are edits applied to the latest value.
#[derive(Clone, PartialEq)]
pub struct State(pub Workspace);

pub struct Apply(pub Rc<dyn Fn(&mut Workspace)>);

/// A file operation that may be refused with a reason.
type FileOpFn = dyn Fn(&mut Workspace) -> Result<(), crate::workspace::OpError>;

impl Reducible for State {
    type Action = Apply;
    fn reduce(self: Rc<Self>, action: Apply) -> Rc<Self> {
        let mut next = self.0.clone();
        (action.0)(&mut next);
        if next == self.0 {
            self
        } else {
            Rc::new(State(next))
        }
    }
}

/// How the page was asked to look: the full app, or an embed with chosen panes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub embed: bool,
    pub files: bool,
    pub editor: bool,
    pub output: bool,
    pub readonly: bool,
}

impl Layout {
    /// From the query (`?embed&panes=editor,output&readonly`); the fragment may carry the
    /// same keys, for hosts that cannot set a query.
    pub fn from_url(search: &str, hash: &str) -> Layout {
        let get = |k: &str| share::param(search, k).or_else(|| share::param(hash, k));
        let embed = get("embed").is_some_and(|v| v != "0");
        if !embed {
            return Layout {
                embed,
                files: true,
                editor: true,
                output: true,
                readonly: false,
            };
        }
        let panes = get("panes").unwrap_or("editor,output");
        let has = |p: &str| panes.split(',').any(|x| x == p);
        let mut layout = Layout {
            embed,
            files: has("files"),
            editor: has("editor"),
            output: has("output"),
            readonly: get("readonly").is_some_and(|v| v != "0"),
        };
        if !(layout.files || layout.editor || layout.output) {
            layout.editor = true;
            layout.output = true;
        }
        layout
    }
}

/// The workspace to open: a shared link, an example asked for by id, the autosave, or the
/// default example.
pub fn initial_workspace(layout: &Layout, search: &str, hash: &str) -> Workspace {
    if let Some(data) = share::param(hash, share::KEY) {
        // The address bar trails the edits by up to 300 ms: a reload of our own link opens the
        // autosave, which is never older. A link from elsewhere opens as it is.
        if !layout.embed && storage::is_recent_link(data) {
            if let Some(ws) = storage::load() {
                return ws;
            }
        }
        if let Some(ws) = share::decode(data) {
            return ws;
        }
    }
    let example = share::param(hash, "example").or_else(|| share::param(search, "example"));
    if let Some(ex) = example.and_then(examples::by_id) {
        return ex.workspace();
    }
    if !layout.embed {
        if let Some(ws) = storage::load() {
            return ws;
        }
    }
    examples::DEFAULT.workspace()
}

/// What a render depends on: the workspace without its commits (a commit alone renders
/// nothing new).
#[derive(PartialEq)]
struct RenderInput(Workspace);

#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    Examples,
    Help,
    /// The link is made when the dialog renders: by then every keystroke before the
    /// shortcut has reached the workspace.
    Share,
    Embed,
    /// A commit (its index) or, with `None`, the uncommitted changes.
    Revision(Option<usize>),
}

fn theme_label(theme: &str) -> &'static str {
    match theme {
        "light" => "☀ Light",
        "dark" => "☾ Dark",
        _ => "◐ Auto",
    }
}

fn is_pristine(ws: &Workspace, ex: &Example) -> bool {
    ws.files.len() == ex.files.len()
        && ex
            .files
            .iter()
            .all(|(p, t)| ws.files.get(*p).map(String::as_str) == Some(*t))
}

#[function_component(App)]
pub fn app() -> Html {
    let layout = use_memo((), |_| {
        Layout::from_url(&browser::search(), &browser::hash())
    });
    let state = {
        let layout = (*layout).clone();
        use_reducer(move || {
            State(initial_workspace(
                &layout,
                &browser::search(),
                &browser::hash(),
            ))
        })
    };
    let ws = &state.0;
    let dispatcher = state.dispatcher();
    let apply = {
        let d = dispatcher.clone();
        move |f: Rc<dyn Fn(&mut Workspace)>| d.dispatch(Apply(f))
    };
    let save_error = use_state(|| None::<String>);
    let toast = use_state(|| None::<String>);
    let jump = use_state(|| None::<JumpTo>);
    let focus_line = use_state(|| None::<(usize, u64)>);
    let dialog = use_state(|| Dialog::None);
    // The live view (components::live): mounted the first time it is shown, then kept (hidden
    // while editing) so its simulation survives a trip to the editor; `?view=live` opens on it.
    let live = use_state(|| browser::search().contains("view=live"));
    let live_mounted = use_state(|| *live);
    let theme = use_state(storage::theme);
    let widths = use_state(|| (230.0f64, 0.5f64));
    let panes_ref = use_node_ref();
    // The last successful render stays on screen, marked stale, while the input is broken.
    let last_good = use_mut_ref(|| None::<OutputView>);

    // Autosave (not in an embed: a reader's experiments must not replace their own work).
    {
        let save_error = save_error.clone();
        let embed = layout.embed;
        use_effect_with(ws.clone(), move |ws| {
            if !embed {
                save_error.set(storage::save(ws).err());
            }
        });
    }
    // The share link in the address bar, throttled: at most one encoding per 300 ms.
    {
        let latest = use_mut_ref(|| None::<Workspace>);
        let pending = use_mut_ref(|| Rc::new(Cell::new(false)));
        let embed = layout.embed;
        use_effect_with(ws.clone(), move |ws| {
            *latest.borrow_mut() = Some(ws.clone());
            let pending = pending.borrow().clone();
            if !embed && !pending.get() {
                pending.set(true);
                let latest = latest.clone();
                gloo_timers::callback::Timeout::new(300, move || {
                    pending.set(false);
                    if let Some(ws) = latest.borrow().as_ref() {
                        let data = share::encode(ws);
                        storage::remember_link(&data);
                        browser::replace_hash(&format!("{}={data}", share::KEY));
                    }
                })
                .forget();
            }
        });
    }
    {
        use_effect_with((*theme).clone(), move |t| browser::apply_theme(t));
    }

    // Rendering runs in the engine worker; the newest reply is what the output pane shows.
    // Each reply remembers its input; the pane is busy until the reply for this input is shown.
    let reply = use_state(|| None::<(Rc<RenderInput>, RenderReply)>);
    let input = Rc::new(RenderInput(ws.without_history()));
    {
        let reply = reply.clone();
        use_effect_with(input.clone(), move |input| {
            let asked = input.clone();
            engine::render(
                input.0.clone(),
                Callback::from(move |r| reply.set(Some((asked.clone(), r)))),
            );
        });
    }
    let busy = reply.as_ref().is_none_or(|(asked, _)| *asked != input);
    let engine_failure = use_state(|| None::<String>);
    {
        let engine_failure = engine_failure.clone();
        use_effect_with((), move |_| {
            engine::on_failure(Callback::from(move |m| engine_failure.set(Some(m))))
        });
    }
    let (rendered, took_ms) = (*reply)
        .clone()
        .map(|(_, r)| r)
        .unwrap_or_else(|| (Rendered::Idle("Rendering…".into()), 0.0));

    let (view, diagnostics, stale, idle) = match rendered {
        Rendered::Output(output) => {
            let view = OutputView { output, took_ms };
            *last_good.borrow_mut() = Some(view.clone());
            (Some(view), Vec::<Diagnostic>::new(), false, None)
        }
        Rendered::Failed(target, diags) => {
            let last = last_good
                .borrow()
                .clone()
                .filter(|v| v.output.target == target);
            (last, diags, true, None)
        }
        Rendered::Idle(why) => (None, Vec::new(), false, Some(why)),
    };
    let current_target = render::current_target(ws);
    let targets = render::targets(ws);

    let on_input = {
        let apply = apply.clone();
        Callback::from(move |text: String| {
            apply(Rc::new(move |w: &mut Workspace| {
                w.edit_selected(text.clone())
            }));
        })
    };
    let do_jump = {
        let (apply, jump) = (apply.clone(), jump.clone());
        Rc::new(move |file: String, line: usize, column: usize| {
            apply(Rc::new(move |w: &mut Workspace| w.select(&file)));
            let serial = jump.as_ref().map_or(0, |j| j.serial + 1);
            jump.set(Some(JumpTo {
                line: line.max(1),
                column: column.max(1),
                serial,
            }));
        })
    };
    let on_jump = {
        let do_jump = do_jump.clone();
        Callback::from(move |d: Diagnostic| do_jump(d.file, d.line, d.column))
    };
    let on_origin = {
        let do_jump = do_jump.clone();
        Callback::from(move |o: Origin| do_jump(o.file, o.line, 1))
    };
    // Provenance is the engine's (it parses YAML, the page does not): asked per line.
    let origins = {
        let ws = ws.clone();
        let out = view.clone();
        Callback::from(
            move |(line, reply): (usize, Callback<Vec<Origin>>)| match &out {
                Some(v) => engine::origins(
                    OriginsQuery {
                        workspace: ws.without_history(),
                        target: v.output.target.clone(),
                        rendered: v.output.text.clone(),
                        line,
                    },
                    reply,
                ),
                None => reply.emit(Vec::new()),
            },
        )
    };
    // A warning's click jumps to its first origin once the engine answers, unless another
    // warning was clicked meanwhile.
    let warning_asked = use_mut_ref(|| 0u64);
    let on_warning = {
        let (origins, do_jump, focus_line) = (origins.clone(), do_jump.clone(), focus_line.clone());
        Callback::from(move |line: usize| {
            let serial = focus_line.as_ref().map_or(0, |f| f.1 + 1);
            focus_line.set(Some((line, serial)));
            let asked = {
                let mut n = warning_asked.borrow_mut();
                *n += 1;
                *n
            };
            let (warning_asked, do_jump) = (warning_asked.clone(), do_jump.clone());
            origins.emit((
                line,
                Callback::from(move |found: Vec<Origin>| {
                    if *warning_asked.borrow() == asked {
                        if let Some(o) = found.into_iter().next() {
                            do_jump(o.file, o.line, 1);
                        }
                    }
                }),
            ));
        })
    };
    let on_settings = {
        let apply = apply.clone();
        Callback::from(move |c: SettingsChange| {
            apply(Rc::new(move |w: &mut Workspace| {
                let s = &mut w.settings;
                match c.clone() {
                    SettingsChange::Target(t) => s.target = t,
                    SettingsChange::Release(v) => s.release = v,
                    SettingsChange::Namespace(v) => s.namespace = v,
                    SettingsChange::Set(v) => s.set = v,
                    SettingsChange::ValuesFile(f, on) => {
                        s.values_files.retain(|x| *x != f);
                        if on {
                            s.values_files.push(f);
                        }
                    }
                }
            }))
        })
    };
    let toggle_ws = {
        let apply = apply.clone();
        Callback::from(move |_: ()| {
            apply(Rc::new(|w: &mut Workspace| {
                w.settings.show_whitespace = !w.settings.show_whitespace
            }))
        })
    };

    let on_op = {
        let (apply, toast, ws) = (apply.clone(), toast.clone(), ws.clone());
        Callback::from(move |op: FileOp| {
            // Check on a copy first, so a refused operation can say why.
            let attempt = |f: Rc<FileOpFn>| {
                let mut probe = ws.clone();
                match f(&mut probe) {
                    Ok(()) => {
                        apply(Rc::new(move |w: &mut Workspace| {
                            let _ = f(w);
                        }));
                        toast.set(None);
                    }
                    Err(e) => toast.set(Some(e)),
                }
            };
            let base = |dir: &str| {
                if dir == "/" {
                    "/".to_string()
                } else {
                    format!("{dir}/")
                }
            };
            match op {
                FileOp::Open(path) => apply(Rc::new(move |w: &mut Workspace| w.select(&path))),
                FileOp::NewFile(dir) => {
                    let dir = if dir == "/" {
                        parent(&ws.selected).to_string()
                    } else {
                        dir
                    };
                    if let Some(name) =
                        browser::prompt("New file (a path; folders are created):", &base(&dir))
                    {
                        attempt(Rc::new(move |w: &mut Workspace| w.create_file(&name)));
                    }
                }
                FileOp::NewFolder(dir) => {
                    let dir = if dir == "/" {
                        parent(&ws.selected).to_string()
                    } else {
                        dir
                    };
                    if let Some(name) = browser::prompt("New folder:", &base(&dir)) {
                        attempt(Rc::new(move |w: &mut Workspace| w.create_folder(&name)));
                    }
                }
                FileOp::Rename(path) => {
                    if let Some(to) = browser::prompt(&format!("Rename or move {path} to:"), &path)
                    {
                        attempt(Rc::new(move |w: &mut Workspace| w.rename(&path, &to)));
                    }
                }
                FileOp::Delete(path) => {
                    let what = if ws.files.contains_key(&path) {
                        "file"
                    } else {
                        "folder and everything in it"
                    };
                    if browser::confirm(&format!("Delete the {what} {path}?")) {
                        apply(Rc::new(move |w: &mut Workspace| w.delete(&path)));
                    }
                }
                FileOp::Download => browser::download_zip(&ws),
                FileOp::Upload(files) => {
                    let (apply, toast) = (apply.clone(), toast.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        match browser::read_uploads(files).await {
                            Ok(files) if !files.is_empty() => {
                                let n = files.len();
                                let first = files
                                    .iter()
                                    .map(|(p, _)| p.clone())
                                    .find(|p| p.ends_with("Chart.yaml"))
                                    .unwrap_or_else(|| files[0].0.clone());
                                let files = Rc::new(files);
                                apply(Rc::new(move |w: &mut Workspace| {
                                    for (p, t) in files.iter() {
                                        let _ = w.put_file(p, t.clone());
                                    }
                                    w.select(&crate::workspace::clean(&first).unwrap_or_default());
                                }));
                                toast.set(Some(format!(
                                    "Added {n} file{}.",
                                    if n == 1 { "" } else { "s" }
                                )));
                            }
                            Ok(_) => toast.set(Some("Nothing to add.".into())),
                            Err(e) => toast.set(Some(e)),
                        }
                    });
                }
            }
        })
    };

    let open_example = {
        let (apply, dialog, ws, toast) = (apply.clone(), dialog.clone(), ws.clone(), toast.clone());
        Callback::from(move |ex: &'static Example| {
            let pristine = ws
                .settings
                .example
                .as_deref()
                .and_then(examples::by_id)
                .is_some_and(|cur| is_pristine(&ws, cur));
            if pristine || browser::confirm(&format!("Replace your workspace with the example \u{201c}{}\u{201d}? Your current files will be discarded (download them as .zip first to keep them).", ex.title)) {
                apply(Rc::new(move |w: &mut Workspace| *w = ex.workspace()));
                dialog.set(Dialog::None);
                toast.set(None);
            }
        })
    };
    let open_share = {
        let dialog = dialog.clone();
        Callback::from(move |_: ()| dialog.set(Dialog::Share))
    };
    let cycle_theme = {
        let theme = theme.clone();
        Callback::from(move |_: ()| {
            let next = match theme.as_str() {
                "auto" => {
                    if browser::prefers_dark() {
                        "light"
                    } else {
                        "dark"
                    }
                }
                "light" => "dark",
                _ => "auto",
            };
            storage::set_theme(next);
            theme.set(next.to_string());
        })
    };

    let onkeydown = {
        let (dialog, open_share, cycle_theme, toggle_ws, on_op) = (
            dialog.clone(),
            open_share.clone(),
            cycle_theme.clone(),
            toggle_ws.clone(),
            on_op.clone(),
        );
        let ws = ws.clone();
        Callback::from(move |e: KeyboardEvent| {
            let code = e.code();
            let plain_alt = e.alt_key() && !e.ctrl_key() && !e.meta_key();
            let handled = if code == "F1" || ((e.ctrl_key() || e.meta_key()) && code == "Slash") {
                dialog.set(Dialog::Help);
                true
            } else if plain_alt {
                match code.as_str() {
                    "KeyE" => dialog.set(Dialog::Examples),
                    "KeyL" => open_share.emit(()),
                    "KeyT" => cycle_theme.emit(()),
                    "KeyW" => toggle_ws.emit(()),
                    "KeyN" => on_op.emit(FileOp::NewFile(parent(&ws.selected).to_string())),
                    "Digit1" => browser::focus(".file-tree .selected button, .file-tree button"),
                    "Digit2" => browser::focus(".editor textarea"),
                    "Digit3" => browser::focus(".output .yaml"),
                    _ => return,
                }
                true
            } else {
                false
            };
            if handled {
                e.prevent_default();
            }
        })
    };

    // Shortcuts work wherever the focus is (also on the page's body): one window listener
    // that always calls the latest handler.
    {
        let latest = use_mut_ref(Callback::<KeyboardEvent>::noop);
        *latest.borrow_mut() = onkeydown.clone();
        use_effect_with((), move |_| {
            let listener = wasm_bindgen::closure::Closure::<dyn Fn(KeyboardEvent)>::new(
                move |e: KeyboardEvent| latest.borrow().emit(e),
            );
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "keydown",
                    wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                    );
                }
            }
        });
    }

    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_: ()| dialog.set(Dialog::None))
    };
    let dialog_view = match &*dialog {
        Dialog::None => html! {},
        Dialog::Examples => {
            html! { <Gallery on_pick={open_example.clone()} on_close={close.clone()} current={ws.settings.example.clone()} /> }
        }
        Dialog::Help => html! { <Help on_close={close.clone()} /> },
        Dialog::Share => {
            let link = format!(
                "{}#{}={}",
                browser::base_url(),
                share::KEY,
                share::encode(ws)
            );
            html! { <Share {link} on_close={close.clone()} /> }
        }
        Dialog::Embed => {
            html! { <EmbedSnippet base={browser::base_url()} data={share::encode(ws)} on_close={close.clone()} /> }
        }
        Dialog::Revision(None) => html! {
            <DiffDialog title="Uncommitted changes" diffs={history::changes(ws)} on_close={close.clone()} />
        },
        Dialog::Revision(Some(index)) => {
            let entry = history::log(ws).into_iter().find(|e| e.index == *index);
            let title = entry.map_or("Revision".to_string(), |e| {
                format!("{} {}", e.id, e.message)
            });
            let restore = {
                let (apply, dialog, index) = (apply.clone(), dialog.clone(), *index);
                Callback::from(move |_: ()| {
                    if browser::confirm("Replace the files with this revision's? Uncommitted changes are discarded.") {
                        apply(Rc::new(move |w: &mut Workspace| {
                            if let Some(s) = w.history.get(index) {
                                w.files = s.files.clone();
                                w.dirs.clear();
                                let sel = w.selected.clone();
                                *w = w.clone().repaired();
                                w.select(&sel);
                            }
                        }));
                        dialog.set(Dialog::None);
                    }
                })
            };
            html! {
                <DiffDialog title={title} diffs={history::diff_of(ws, *index)} on_close={close.clone()}
                    on_restore={(!layout.readonly).then_some(restore)} />
            }
        }
    };

    let values_candidates: Vec<String> = match &current_target {
        Some(Target::Helm(dir)) => ws
            .files
            .keys()
            .filter(|p| {
                parent(p) == dir
                    && render::is_yaml(p)
                    && !p.ends_with("/values.yaml")
                    && !p.ends_with("/Chart.yaml")
            })
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let warnings = view
        .as_ref()
        .filter(|_| !stale)
        .map(|v| v.output.warnings.clone())
        .unwrap_or_default();

    // Panes and the splitters between them.
    let (tree_px, split) = *widths;
    let move_tree = {
        let widths = widths.clone();
        Callback::from(move |dx: f64| {
            let (t, s) = *widths;
            widths.set(((t + dx).clamp(150.0, 480.0), s));
        })
    };
    let move_split = {
        let (widths, panes_ref) = (widths.clone(), panes_ref.clone());
        let files = layout.files;
        Callback::from(move |dx: f64| {
            let (t, s) = *widths;
            let total = panes_ref
                .cast::<web_sys::Element>()
                .map_or(1200.0, |e| e.client_width() as f64);
            let room = (total - if files { t } else { 0.0 }).max(200.0);
            widths.set((t, (s + dx / room).clamp(0.2, 0.8)));
        })
    };
    let mut columns = Vec::new();
    let mut panes = Vec::new();
    if layout.files {
        columns.push(format!("{tree_px}px"));
        let on_commit = {
            let (apply, toast) = (apply.clone(), toast.clone());
            let ws = ws.clone();
            Callback::from(move |message: String| {
                let time = js_sys::Date::now() as u64;
                let mut probe = ws.clone();
                match history::commit(&mut probe, &message, time) {
                    Ok(id) => {
                        apply(Rc::new(move |w: &mut Workspace| {
                            let _ = history::commit(w, &message, time);
                        }));
                        toast.set(Some(format!("Committed {id}.")));
                    }
                    Err(e) => toast.set(Some(e)),
                }
            })
        };
        let on_view = {
            let dialog = dialog.clone();
            Callback::from(move |which: Option<usize>| dialog.set(Dialog::Revision(which)))
        };
        panes.push(html! {
            <div class="side">
                <FileTree files={ws.files.keys().cloned().collect::<Vec<_>>()} folders={ws.folders()} selected={ws.selected.clone()}
                    readonly={layout.readonly} on_op={on_op.clone()} />
                if !layout.embed {
                    <History changed={history::changes(ws).len()} entries={history::log(ws)} readonly={layout.readonly}
                        {on_commit} {on_view} />
                }
            </div>
        });
    }
    if layout.editor {
        if !panes.is_empty() {
            columns.push("5px".into());
            panes.push(
                html! { <Splitter label="Resize the file tree" on_move={move_tree.clone()} /> },
            );
        }
        columns.push(format!("minmax(0, {split}fr)"));
        panes.push(html! {
            <Editor path={ws.selected.clone()} text={ws.selected_text().to_string()}
                diagnostics={diagnostics.iter().filter(|d| d.file == ws.selected).cloned().collect::<Vec<_>>()}
                jump={(*jump).clone()} on_input={on_input} readonly={layout.readonly}
                show_whitespace={ws.settings.show_whitespace} on_toggle_whitespace={toggle_ws.clone()} />
        });
    }
    if layout.output {
        if !panes.is_empty() {
            columns.push("5px".into());
            let (label, cb) = if layout.editor {
                ("Resize the editor and the output", move_split.clone())
            } else {
                ("Resize the file tree", move_tree.clone())
            };
            panes.push(html! { <Splitter {label} on_move={cb} /> });
        }
        columns.push(format!(
            "minmax(0, {}fr)",
            if layout.editor { 1.0 - split } else { 1.0 }
        ));
        panes.push(html! {
            <OutputPane view={view.clone()} stale={stale} busy={busy} idle={idle.clone()} targets={targets.clone()} current={current_target.clone()}
                settings={ws.settings.clone()} values_candidates={values_candidates} on_settings={on_settings}
                origins={origins} on_origin={on_origin} focus_line={*focus_line} compact={layout.embed} />
        });
    }
    let grid = format!("grid-template-columns: {}", columns.join(" "));

    let example_title = ws
        .settings
        .example
        .as_deref()
        .and_then(examples::by_id)
        .map(|e| e.title);
    let header = if layout.embed {
        let open_full = format!(
            "{}#{}={}",
            browser::base_url(),
            share::KEY,
            share::encode(ws)
        );
        html! {
            <header class="topbar compact">
                <span class="brand">{"kubeplay"}</span>
                if let Some(t) = example_title { <span class="tagline">{t}</span> }
                <a class="open-full" href={open_full} target="_blank" rel="noopener">{"Open in kubeplay ↗"}</a>
            </header>
        }
    } else {
        let btn = |label: &'static str, title: &'static str, cb: Callback<MouseEvent>| {
            html! {
                <button class="tool bar" {title} onclick={cb}>{label}</button>
            }
        };
        let reset = ws.settings.example.as_deref().and_then(examples::by_id);
        html! {
            <header class="topbar">
                <span class="brand"><span class="logo" aria-hidden="true"></span>{"kubeplay"}</span>
                <span class="tagline">{example_title.unwrap_or("Kubernetes playground: manifests, Kustomize, Helm — all in your browser")}</span>
                <nav class="actions" aria-label="Workspace">
                    <button class={classes!("tool", "bar", "live-toggle", live.then_some("on"))} aria-pressed={live.to_string()}
                        title="Run the workspace in a simulated cluster under Argo CD, or go back to the editor"
                        onclick={{ let (l, m) = (live.clone(), live_mounted.clone()); Callback::from(move |_| { m.set(true); l.set(!*l); }) }}>
                        {if *live { "✎ Editor" } else { "▶ Live" }}</button>
                    {btn("Examples", "Examples gallery (Alt+E)", { let d = dialog.clone(); Callback::from(move |_| d.set(Dialog::Examples)) })}
                    if let Some(ex) = reset {
                        {btn("Reset", "Reset to the example's files (asks first)", { let o = open_example.clone(); Callback::from(move |_| o.emit(ex)) })}
                    }
                    {btn("Share", "Copy a link to this workspace (Alt+L)", { let o = open_share.clone(); Callback::from(move |_| o.emit(())) })}
                    {btn("Embed", "An <iframe> snippet for documentation pages", { let d = dialog.clone(); Callback::from(move |_| d.set(Dialog::Embed)) })}
                    <button class="tool bar" title="Theme: auto follows the OS (Alt+T)" aria-label={format!("Theme: {}", theme.as_str())}
                        onclick={{ let c = cycle_theme.clone(); Callback::from(move |_| c.emit(())) }}>{theme_label(&theme)}</button>
                    <button class="tool bar" title="Keyboard shortcuts (F1)" aria-label="Keyboard shortcuts"
                        onclick={{ let d = dialog.clone(); Callback::from(move |_| d.set(Dialog::Help)) }}>{"?"}</button>
                </nav>
                <span class="status" role="status">
                    if let Some(err) = &*engine_failure {
                        <span class="save-error" role="alert">{err.clone()}</span>
                    } else if let Some(err) = &*save_error {
                        <span class="save-error" role="alert">{format!("Edits are not being saved in this browser: {err}")}</span>
                    } else if let Some(t) = &*toast {
                        <span class="toast">{t}</span>
                    } else {
                        <span class="saved" title="Every edit is saved in this browser">{"✓ Saved locally"}</span>
                    }
                </span>
            </header>
        }
    };

    html! {
        <div class={classes!("app", layout.embed.then_some("embed"))}>
            {header}
            <main class="panes" style={if *live { format!("{grid}; display: none") } else { grid }} ref={panes_ref}>
                {for panes}
            </main>
            if *live_mounted && !layout.embed {
                <crate::components::live::LiveView workspace={ws.clone()} visible={*live} on_file_edit={Callback::from(apply.clone())} />
            }
            if !layout.embed || !diagnostics.is_empty() {
                <Problems diagnostics={diagnostics} warnings={warnings} on_jump={on_jump} on_warning={on_warning} />
            }
            {dialog_view}
        </div>
    }
}
