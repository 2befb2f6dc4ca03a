//! The clock controls: play, pause, step and speed, and the mapping from the browser's
//! animation frames (wall-clock milliseconds, fractional, from `performance.now()`) to the
//! simulation's virtual time.
//!
//! The mapping is integer arithmetic on microseconds with the remainder carried from frame to
//! frame, so the same sequence of frame timestamps always gives the same virtual times, and
//! no virtual millisecond is lost or invented by rounding. A long gap between frames (a
//! hidden tab, a debugger pause) is clamped to [`MAX_FRAME_GAP_MS`]: the simulation must not
//! jump minutes ahead when the user comes back.

use kubeplay_cluster::clock::{Millis, SECOND};

/// Longest wall-clock gap between two frames that counts in full.
pub const MAX_FRAME_GAP_MS: f64 = 250.0;

/// How far one press of "step" moves virtual time.
pub const STEP: Millis = SECOND;

/// The speeds the controls offer.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speed {
    #[default]
    X1,
    X10,
    X60,
}

impl Speed {
    pub const ALL: [Speed; 3] = [Speed::X1, Speed::X10, Speed::X60];

    /// Virtual milliseconds per wall-clock millisecond.
    pub fn factor(self) -> u64 {
        match self {
            Speed::X1 => 1,
            Speed::X10 => 10,
            Speed::X60 => 60,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Speed::X1 => "1x",
            Speed::X10 => "10x",
            Speed::X60 => "60x",
        }
    }
}

/// What one frame asks the simulation to do: run from `from` to `to` (virtual ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advance {
    pub from: Millis,
    pub to: Millis,
    /// Whole virtual seconds crossed in this advance (the views refresh once per second).
    pub seconds_crossed: u64,
}

/// The state of the clock controls.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClockModel {
    playing: bool,
    speed: Speed,
    /// Virtual time the simulation should have reached.
    now: Millis,
    /// Timestamp of the previous frame while playing, in wall-clock microseconds.
    last_frame_us: Option<u64>,
    /// Virtual microseconds not yet turned into a whole millisecond.
    carry_us: u64,
}

impl ClockModel {
    /// A paused clock at virtual time `now` (usually the simulation's current time).
    pub fn new(now: Millis) -> ClockModel {
        ClockModel {
            now,
            ..ClockModel::default()
        }
    }

    pub fn playing(&self) -> bool {
        self.playing
    }

    pub fn speed(&self) -> Speed {
        self.speed
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn play(&mut self) {
        if !self.playing {
            self.playing = true;
            // The first frame after play only sets the reference point.
            self.last_frame_us = None;
        }
    }

    pub fn pause(&mut self) {
        self.playing = false;
        self.last_frame_us = None;
        self.carry_us = 0;
    }

    pub fn toggle(&mut self) {
        if self.playing {
            self.pause()
        } else {
            self.play()
        }
    }

    /// Changing speed keeps the frame reference, so the next frame is measured at the new rate.
    pub fn set_speed(&mut self, speed: Speed) {
        self.speed = speed;
    }

    /// One step of [`STEP`] of virtual time; pauses the clock first.
    pub fn step(&mut self) -> Advance {
        self.pause();
        self.advance_by(STEP)
    }

    /// Fast-forward by `ms` of virtual time (the "skip 60 s" style buttons), without pausing.
    pub fn skip(&mut self, ms: Millis) -> Advance {
        self.advance_by(ms)
    }

    /// An animation frame at wall-clock `wall_ms`. Returns the virtual interval to simulate,
    /// or None when paused or when nothing whole has elapsed.
    pub fn frame(&mut self, wall_ms: f64) -> Option<Advance> {
        if !self.playing {
            return None;
        }
        let wall_us = to_micros(wall_ms);
        let last = self.last_frame_us.replace(wall_us)?;
        let gap_us = wall_us
            .saturating_sub(last)
            .min(to_micros(MAX_FRAME_GAP_MS));
        let virtual_us = self
            .carry_us
            .saturating_add(gap_us.saturating_mul(self.speed.factor()));
        self.carry_us = virtual_us % 1_000;
        let ms = virtual_us / 1_000;
        if ms == 0 {
            return None;
        }
        Some(self.advance_by(ms))
    }

    fn advance_by(&mut self, ms: Millis) -> Advance {
        let from = self.now;
        let to = from.saturating_add(ms);
        self.now = to;
        Advance {
            from,
            to,
            seconds_crossed: to / SECOND - from / SECOND,
        }
    }

    /// The current time as the controls print it.
    pub fn label(&self) -> String {
        format_virtual(self.now)
    }
}

fn to_micros(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        // `as` saturates for values beyond u64.
        (ms * 1_000.0).round() as u64
    } else {
        0
    }
}

/// Virtual time since the simulation started, `T+HH:MM:SS.mmm` (hours grow past 99).
pub fn format_virtual(t: Millis) -> String {
    let ms = t % 1_000;
    let s = t / 1_000;
    format!(
        "T+{:02}:{:02}:{:02}.{ms:03}",
        s / 3_600,
        (s / 60) % 60,
        s % 60
    )
}

/// Short relative time for axes and lists: `12.5s`, `3m04s`, `1h02m`.
pub fn format_offset(ms: Millis) -> String {
    let s = ms / 1_000;
    if s < 60 {
        let tenths = (ms % 1_000) / 100;
        if tenths == 0 {
            format!("{s}s")
        } else {
            format!("{s}.{tenths}s")
        }
    } else if s < 3_600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3_600, (s / 60) % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_clock_ignores_frames() {
        let mut c = ClockModel::new(5_000);
        assert_eq!(c.frame(16.7), None);
        assert_eq!(c.now(), 5_000);
    }

    #[test]
    fn first_frame_after_play_sets_the_reference() {
        let mut c = ClockModel::new(0);
        c.play();
        assert_eq!(c.frame(1_000.0), None);
        let a = c.frame(1_016.0).unwrap();
        assert_eq!((a.from, a.to), (0, 16));
    }

    #[test]
    fn speed_multiplies_and_fractions_carry_over() {
        let mut c = ClockModel::new(0);
        c.set_speed(Speed::X60);
        c.play();
        c.frame(0.0);
        // 60 frames of 16.6667 ms at 60x: exactly one wall second -> 60 virtual seconds.
        let mut total = 0;
        for i in 1..=60 {
            if let Some(a) = c.frame(i as f64 * 1000.0 / 60.0) {
                total += a.to - a.from;
            }
        }
        assert_eq!(total, 60_000);
        assert_eq!(c.now(), 60_000);
    }

    #[test]
    fn sub_millisecond_frames_accumulate() {
        let mut c = ClockModel::new(0);
        c.play();
        c.frame(0.0);
        assert_eq!(c.frame(0.4), None);
        assert_eq!(c.frame(0.8), None);
        let a = c.frame(1.2).unwrap();
        assert_eq!(a.to, 1);
    }

    #[test]
    fn a_long_gap_is_clamped() {
        let mut c = ClockModel::new(0);
        c.set_speed(Speed::X10);
        c.play();
        c.frame(0.0);
        let a = c.frame(60_000.0).unwrap();
        assert_eq!(a.to, 2_500);
    }

    #[test]
    fn same_frames_same_times() {
        let run = || {
            let mut c = ClockModel::new(0);
            c.set_speed(Speed::X10);
            c.play();
            let mut out = Vec::new();
            for i in 0..100 {
                out.push(c.frame(i as f64 * 16.3 + 0.07 * (i % 7) as f64));
            }
            out
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn step_pauses_and_counts_seconds() {
        let mut c = ClockModel::new(1_500);
        c.play();
        let a = c.step();
        assert!(!c.playing());
        assert_eq!((a.from, a.to, a.seconds_crossed), (1_500, 2_500, 1));
        let b = c.skip(60_000);
        assert_eq!(b.seconds_crossed, 60);
    }

    #[test]
    fn backwards_and_bad_timestamps_do_not_move_time() {
        let mut c = ClockModel::new(0);
        c.play();
        c.frame(100.0);
        assert_eq!(c.frame(50.0), None);
        assert_eq!(c.frame(f64::NAN), None);
        assert_eq!(c.frame(f64::INFINITY), None);
        let a = c.frame(1e300).unwrap();
        assert_eq!((a.from, a.to), (0, 250));
        assert_eq!(c.now(), 250);
    }

    #[test]
    fn formats() {
        assert_eq!(format_virtual(0), "T+00:00:00.000");
        assert_eq!(format_virtual(3_723_045), "T+01:02:03.045");
        assert_eq!(format_offset(12_500), "12.5s");
        assert_eq!(format_offset(10_000), "10s");
        assert_eq!(format_offset(184_000), "3m04s");
        assert_eq!(format_offset(3_720_000), "1h02m");
        assert_eq!(Speed::X60.label(), "60x");
    }
}
