//! The live view: the workspace running in a simulated cluster under Argo CD. The root
//! component owns the link to the session ([`crate::engine::live`]): one command in flight
//! at a time, the rest queued; while the clock plays, each animation frame adds its virtual
//! time to a pending advance that is sent only when the previous snapshot came back (frames
//! in between just wait). Everything drawn comes from the last [`LiveSnapshot`].

mod app_header;
mod architecture;
mod clock_bar;
mod details;
mod diff;
mod drift;
mod filters;
mod helm_dialog;
mod lifecycle;
mod list_view;
mod rollback;
mod status;
mod sync_dialog;
mod timeline;
mod tree;

use crate::engine;
use crate::workspace::Workspace;
use kubeplay_session::live::helm::HelmCommand;
use kubeplay_session::live::views::clock::{ClockModel, Speed};
use kubeplay_session::live::{
    AppFileEdit, LiveCommand, LiveSnapshot, WorkspaceCommit, WorkspaceSource,
};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The virtual time the "+60 s" button skips.
const SKIP_MS: u64 = 60_000;
/// Fast-forwards are sent in slices of this much virtual time, so each command stays short
/// and the tree visibly moves along.
const SKIP_SLICE_MS: u64 = 5_000;
/// The most virtual time one command may carry while the clock plays: when the simulation
/// cannot keep up with the speed, the clock slows down rather than asking for ever longer
/// advances (each of which would take longer still).
const MAX_PENDING_MS: u64 = 2_000;
/// Frame measures kept in the page's performance timeline before they are cleared.
const MEASURES_KEPT: u64 = 5_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub workspace: Workspace,
    /// Hidden views keep their simulation but stop the clock's frames.
    pub visible: bool,
    /// Applies an edit to the page's workspace (the ignoreDifferences rules the live view
    /// writes into Application files). Without it, rules stay in the simulation only.
    #[prop_or_default]
    pub on_file_edit: Option<Callback<WorkspaceEdit>>,
}

/// An edit of the page's workspace, applied to its latest value (the app's reducer).
pub type WorkspaceEdit = Rc<dyn Fn(&mut Workspace)>;

/// What the clock bar and the header ask the root for.
#[derive(Debug, Clone, PartialEq)]
pub enum ClockAction {
    Toggle,
    Step,
    Skip,
    Speed(Speed),
}

/// The dialogs of the live view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LiveDialog {
    None,
    Sync,
    Rollback,
    Helm,
}

pub enum Msg {
    Send(LiveCommand),
    Reply(LiveSnapshot),
    Frame(f64),
    Clock(ClockAction),
    Dialog(LiveDialog),
    DismissNotice,
    /// The engine's answer to a rule written into a workspace file: the file's text it was
    /// written into, and the new text or why not.
    RuleWritten {
        edit: Box<AppFileEdit>,
        before: String,
        result: Result<String, String>,
    },
}

pub struct LiveView {
    snapshot: Rc<LiveSnapshot>,
    in_flight: bool,
    queue: VecDeque<LiveCommand>,
    clock: ClockModel,
    /// Virtual ms the clock asked for that the session has not run yet.
    pending_ms: u64,
    /// A fast-forward still to send, in slices.
    skip_left: u64,
    /// Commits of the workspace the session has (to send only new ones).
    commits_sent: usize,
    example: Option<String>,
    frame: Option<Closure<dyn FnMut(f64)>>,
    frame_requested: bool,
    dialog: LiveDialog,
    /// The time a command left (performance.now), for the frame measure.
    measures: u64,
    /// The last reply has been drawn (and measured).
    reply_drawn: bool,
    /// The user closed the notice: do not carry it over.
    dismissed: bool,
    /// Callbacks made once: a callback compares by identity, so fresh ones every render
    /// would make every tree node redraw on every snapshot.
    send: Callback<LiveCommand>,
    on_clock: Callback<ClockAction>,
    on_dialog: Callback<LiveDialog>,
    on_dismiss: Callback<()>,
}

fn source(ws: &Workspace) -> WorkspaceSource {
    WorkspaceSource {
        files: ws.files.clone(),
        history: ws
            .history
            .iter()
            .map(|s| WorkspaceCommit {
                message: s.message.clone(),
                files: s.files.clone(),
            })
            .collect(),
        target: ws.settings.target.clone(),
        open: ws.selected.clone(),
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

impl LiveView {
    fn enqueue(&mut self, ctx: &Context<Self>, cmd: LiveCommand) {
        self.queue.push_back(cmd);
        self.pump(ctx);
    }

    /// Sends the next command when none is in flight: queued commands first, then a slice of
    /// a fast-forward, then the clock's pending advance.
    fn pump(&mut self, ctx: &Context<Self>) {
        if self.in_flight {
            return;
        }
        let next = if let Some(c) = self.queue.pop_front() {
            Some(c)
        } else if self.skip_left > 0 {
            let ms = self.skip_left.min(SKIP_SLICE_MS);
            self.skip_left -= ms;
            Some(LiveCommand::Advance { ms })
        } else if self.pending_ms > 0 {
            let ms = std::mem::take(&mut self.pending_ms);
            Some(LiveCommand::Advance { ms })
        } else {
            None
        };
        if let Some(cmd) = next {
            self.in_flight = true;
            if let Some(p) = performance() {
                let _ = p.mark("live-send");
            }
            engine::live(cmd, ctx.link().callback(Msg::Reply));
        }
    }

    /// Asks the engine to write a rule the session asks for into the workspace's Application
    /// file (the YAML is parsed there, not here); says why when it cannot (the file is gone,
    /// the page gave no way to write).
    fn write_rule(&self, ctx: &Context<Self>, edit: Box<AppFileEdit>, snap: &mut LiveSnapshot) {
        let props = ctx.props();
        if props.on_file_edit.is_none() {
            snap.error = Some(format!(
                "the rule for {} could not be written into {}: this page cannot edit files",
                edit.app, edit.path
            ));
            return;
        }
        let Some(before) = props.workspace.files.get(&edit.path).cloned() else {
            snap.notice = None;
            snap.error = Some(format!(
                "the rule stays in the simulation only: {} is not in the workspace any more",
                edit.path
            ));
            return;
        };
        let text = before.clone();
        let edit2 = edit.clone();
        engine::edit_file(
            edit,
            text,
            ctx.link().callback(move |result| Msg::RuleWritten {
                edit: edit2.clone(),
                before: before.clone(),
                result,
            }),
        );
    }

    /// Applies the engine's text to the latest workspace, if the file is still the text it
    /// was written into (never over an edit made meanwhile); else says why it was not.
    fn rule_written(
        &mut self,
        ctx: &Context<Self>,
        edit: Box<AppFileEdit>,
        before: String,
        result: Result<String, String>,
    ) {
        let refused = |why: String| format!("the rule stays in the simulation only: {why}");
        let error = match (result, ctx.props().on_file_edit.as_ref()) {
            (Err(why), _) => Some(refused(why)),
            (Ok(_), _) if ctx.props().workspace.files.get(&edit.path) != Some(&before) => {
                Some(refused(format!("{} changed meanwhile", edit.path)))
            }
            (Ok(next), Some(on_edit)) => {
                on_edit.emit(Rc::new(move |w: &mut Workspace| {
                    if w.files.get(&edit.path) == Some(&before) {
                        w.files.insert(edit.path.clone(), next.clone());
                    }
                }));
                None
            }
            (Ok(_), None) => Some(refused("this page cannot edit files".into())),
        };
        if let Some(error) = error {
            let mut snap = (*self.snapshot).clone();
            snap.notice = None;
            snap.error = Some(error);
            self.snapshot = Rc::new(snap);
        }
    }

    fn open(&mut self, ctx: &Context<Self>) {
        let ws = &ctx.props().workspace;
        self.commits_sent = ws.history.len();
        self.example = ws.settings.example.clone();
        self.queue.clear();
        self.pending_ms = 0;
        self.skip_left = 0;
        self.clock = ClockModel::new(0);
        self.clock.play();
        self.dismissed = true;
        self.enqueue(ctx, LiveCommand::Open(source(ws)));
    }

    fn request_frame(&mut self) {
        if self.frame_requested || !self.clock.playing() {
            return;
        }
        if let (Some(w), Some(f)) = (web_sys::window(), self.frame.as_ref()) {
            if w.request_animation_frame(f.as_ref().unchecked_ref())
                .is_ok()
            {
                self.frame_requested = true;
            }
        }
    }
}

impl Component for LiveView {
    type Message = Msg;
    type Properties = Props;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let frame = Closure::<dyn FnMut(f64)>::new(move |t: f64| link.send_message(Msg::Frame(t)));
        let mut me = LiveView {
            snapshot: Rc::new(LiveSnapshot::default()),
            in_flight: false,
            queue: VecDeque::new(),
            clock: ClockModel::new(0),
            pending_ms: 0,
            skip_left: 0,
            commits_sent: 0,
            example: None,
            frame: Some(frame),
            frame_requested: false,
            dialog: LiveDialog::None,
            measures: 0,
            reply_drawn: true,
            dismissed: false,
            send: ctx.link().callback(Msg::Send),
            on_clock: ctx.link().callback(Msg::Clock),
            on_dialog: ctx.link().callback(Msg::Dialog),
            on_dismiss: ctx.link().callback(|_| Msg::DismissNotice),
        };
        me.open(ctx);
        me.request_frame();
        me
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &Props) -> bool {
        let ws = &ctx.props().workspace;
        if ws.settings.example != self.example || ws.history.len() < self.commits_sent {
            // Another workspace (an example opened, history reset): start over.
            self.open(ctx);
        } else if ws.history.len() > self.commits_sent {
            for s in &ws.history[self.commits_sent..] {
                self.queue.push_back(LiveCommand::Commit(WorkspaceCommit {
                    message: s.message.clone(),
                    files: s.files.clone(),
                }));
            }
            self.commits_sent = ws.history.len();
            self.pump(ctx);
        }
        if ctx.props().visible && !old.visible {
            self.request_frame();
        }
        ctx.props().visible != old.visible
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Send(cmd) => {
                if matches!(cmd, LiveCommand::Sync(_)) {
                    self.dialog = LiveDialog::None;
                }
                self.enqueue(ctx, cmd);
                true
            }
            Msg::Reply(mut snap) => {
                self.in_flight = false;
                if let Some(p) = performance() {
                    let _ = p.mark("live-reply");
                    let _ = p.measure_with_start_mark("live-frame", "live-send");
                }
                self.reply_drawn = false;
                // A notice or an error stays until the next one (or a dismissal), not only
                // for the one frame that answered the command.
                if snap.notice.is_none() && snap.error.is_none() && !self.dismissed {
                    snap.notice = self.snapshot.notice.clone();
                    snap.error = self.snapshot.error.clone();
                }
                self.dismissed = false;
                if let Some(edit) = snap.file_edit.take() {
                    self.write_rule(ctx, edit, &mut snap);
                }
                self.snapshot = Rc::new(snap);
                self.pump(ctx);
                true
            }
            Msg::Frame(t) => {
                self.frame_requested = false;
                if !ctx.props().visible {
                    return false;
                }
                if let Some(a) = self.clock.frame(t) {
                    self.pending_ms = (self.pending_ms + (a.to - a.from)).min(MAX_PENDING_MS);
                }
                self.pump(ctx);
                self.request_frame();
                false
            }
            Msg::Clock(a) => {
                match a {
                    ClockAction::Toggle => self.clock.toggle(),
                    ClockAction::Step => {
                        let a = self.clock.step();
                        self.pending_ms += a.to - a.from;
                    }
                    ClockAction::Skip => self.skip_left += SKIP_MS,
                    ClockAction::Speed(s) => self.clock.set_speed(s),
                }
                self.pump(ctx);
                self.request_frame();
                true
            }
            Msg::RuleWritten {
                edit,
                before,
                result,
            } => {
                self.rule_written(ctx, edit, before, result);
                true
            }
            Msg::DismissNotice => {
                let mut snap = (*self.snapshot).clone();
                snap.notice = None;
                snap.error = None;
                self.snapshot = Rc::new(snap);
                self.dismissed = true;
                true
            }
            Msg::Dialog(d) => {
                let was = std::mem::replace(&mut self.dialog, d);
                // The Helm panel's view is computed by the session only while it is open.
                if d == LiveDialog::Helm {
                    self.enqueue(ctx, LiveCommand::Helm(HelmCommand::Show(true)));
                } else if was == LiveDialog::Helm {
                    self.enqueue(ctx, LiveCommand::Helm(HelmCommand::Show(false)));
                }
                if d == LiveDialog::Sync {
                    self.enqueue(ctx, LiveCommand::ShowAppDiff(true));
                } else if self.snapshot.app_diff.is_some() {
                    self.enqueue(ctx, LiveCommand::ShowAppDiff(false));
                }
                true
            }
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        // Two measures per snapshot, read by the e2e suite: "live-frame", the round trip from
        // the command leaving to its reply (the worker's simulation included), taken when the
        // reply arrives; "live-draw", the page's own work from the reply to the page updated
        // (the main thread's share of a frame), taken here.
        if !self.reply_drawn {
            self.reply_drawn = true;
            if let Some(p) = performance() {
                let _ = p.measure_with_start_mark("live-draw", "live-reply");
                self.measures += 1;
                if self.measures % MEASURES_KEPT == 0 {
                    p.clear_measures_with_measure_name("live-frame");
                    p.clear_measures_with_measure_name("live-draw");
                }
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let snap = self.snapshot.clone();
        let send = self.send.clone();
        let on_clock = self.on_clock.clone();
        let on_dialog = self.on_dialog.clone();
        let style = if ctx.props().visible {
            ""
        } else {
            "display: none"
        };
        let busy = self.in_flight || !self.queue.is_empty() || self.skip_left > 0;
        let dialog = match self.dialog {
            LiveDialog::None => html! {},
            LiveDialog::Sync => html! {
                <sync_dialog::SyncDialog snapshot={snap.clone()} on_send={send.clone()} on_close={on_dialog.reform(|_| LiveDialog::None)} />
            },
            LiveDialog::Helm => {
                let ws = &ctx.props().workspace;
                let yaml_files: Rc<Vec<String>> = Rc::new(
                    ws.files
                        .keys()
                        .filter(|f| f.ends_with(".yaml") || f.ends_with(".yml"))
                        .cloned()
                        .collect(),
                );
                html! {
                    <helm_dialog::HelmDialog snapshot={snap.clone()} on_send={send.clone()} on_close={on_dialog.reform(|_| LiveDialog::None)}
                        settings={ws.settings.clone()} {yaml_files} />
                }
            }
            LiveDialog::Rollback => html! {
                <rollback::RollbackDialog snapshot={snap.clone()} on_send={send.clone()} on_close={on_dialog.reform(|_| LiveDialog::None)} />
            },
        };
        html! {
            <section class="live" {style} aria-label="Live view">
                <clock_bar::ClockBar now={snap.now} playing={self.clock.playing()} speed={self.clock.speed()}
                    {busy} skipping={self.skip_left > 0} on_action={on_clock} />
                <app_header::AppHeaderView snapshot={snap.clone()} on_send={send.clone()} on_dialog={on_dialog.clone()}
                    on_dismiss={self.on_dismiss.clone()} />
                <div class="live-body">
                    <div class="live-main">
                        <filters::FilterBar snapshot={snap.clone()} on_send={send.clone()} />
                        if snap.view.list_view {
                            <list_view::ListView snapshot={snap.clone()} on_send={send.clone()} />
                        } else {
                            <tree::TreeCanvas snapshot={snap.clone()} on_send={send.clone()} />
                        }
                    </div>
                    if snap.details.is_some() {
                        <details::DetailsPanel snapshot={snap.clone()} on_send={send.clone()} />
                    } else {
                        <architecture::ArchitecturePanel view={Rc::new((*snap.architecture).clone())} />
                    }
                </div>
                {dialog}
            </section>
        }
    }
}
