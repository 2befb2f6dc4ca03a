//! The deterministic event queue: tasks ordered by virtual time, ties broken by insertion order,
//! so the same input always yields the same timeline.

use crate::clock::Millis;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How far ahead of the last task taken the timing wheel reaches (ms, a power of two). Probe
/// periods, pulls and back-off retries fall within it; resyncs and long back-offs go beyond.
const WHEEL_SPAN: usize = 1 << 14;
const NONE: u32 = u32::MAX;

struct Slot<T> {
    at: Millis,
    seq: u64,
    /// The next slot of the same wheel bucket.
    next: u32,
    task: Option<T>,
}

/// A min-queue of tasks keyed by time; FIFO among tasks due at the same millisecond.
///
/// Most tasks are due within a few seconds (probe ticks), so they wait in a timing wheel: one
/// FIFO list per millisecond of the next [`WHEEL_SPAN`] ms after the last task taken, with a
/// bitmap of the non-empty ones; taking the next task is a bitmap scan instead of a heap's
/// sift (the heap was the simulator's hottest spot). Tasks further ahead wait in a heap of
/// small keys. The next task is the smaller (time, insertion number) of the two heads, so the
/// order is exactly the one a single heap would give.
pub struct EventQueue<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    seq: u64,
    /// Every wheel task is due in `[base, base + WHEEL_SPAN)`; `base` is the last time taken.
    base: Millis,
    heads: Vec<u32>,
    tails: Vec<u32>,
    occupied: Vec<u64>,
    in_wheel: usize,
    far: BinaryHeap<Reverse<(Millis, u64, u32)>>,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            slots: Vec::new(),
            free: Vec::new(),
            seq: 0,
            base: 0,
            heads: Vec::new(),
            tails: Vec::new(),
            occupied: Vec::new(),
            in_wheel: 0,
            far: BinaryHeap::new(),
        }
    }
}

/// Where the next task waits.
#[derive(Clone, Copy)]
enum Head {
    Wheel { bucket: usize },
    Far,
}

impl<T> EventQueue<T> {
    pub fn push(&mut self, at: Millis, task: T) {
        self.seq += 1;
        let slot = Slot {
            at,
            seq: self.seq,
            next: NONE,
            task: Some(task),
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = slot;
                i
            }
            None => {
                // More than u32::MAX waiting tasks cannot happen within the step limits; the
                // conversion saturates rather than wraps if it ever did.
                let i = u32::try_from(self.slots.len()).unwrap_or(NONE - 1);
                self.slots.push(slot);
                i
            }
        };
        let ahead = at.wrapping_sub(self.base);
        if at >= self.base && ahead < WHEEL_SPAN as Millis {
            if self.heads.is_empty() {
                self.heads = vec![NONE; WHEEL_SPAN];
                self.tails = vec![NONE; WHEEL_SPAN];
                self.occupied = vec![0; WHEEL_SPAN / 64];
            }
            let b = at as usize % WHEEL_SPAN;
            match self.tails[b] {
                NONE => {
                    self.heads[b] = i;
                    self.occupied[b / 64] |= 1 << (b % 64);
                }
                tail => self.slots[tail as usize].next = i,
            }
            self.tails[b] = i;
            self.in_wheel += 1;
        } else {
            self.far.push(Reverse((at, self.seq, i)));
        }
    }

    /// The first non-empty wheel bucket in time order (from `base` round the wheel).
    fn wheel_head(&self) -> Option<usize> {
        if self.in_wheel == 0 {
            return None;
        }
        let start = self.base as usize % WHEEL_SPAN;
        let words = WHEEL_SPAN / 64;
        let first = start / 64;
        let masked = self.occupied[first] & (!0u64 << (start % 64));
        if masked != 0 {
            return Some(first * 64 + masked.trailing_zeros() as usize);
        }
        for k in 1..=words {
            let w = (first + k) % words;
            let bits = self.occupied[w];
            if bits != 0 {
                return Some(w * 64 + bits.trailing_zeros() as usize);
            }
        }
        None
    }

    /// The next task's place and key.
    fn head(&self) -> Option<(Head, Millis)> {
        let wheel = self.wheel_head().map(|b| {
            let s = &self.slots[self.heads[b] as usize];
            (Head::Wheel { bucket: b }, s.at, s.seq)
        });
        let far = self
            .far
            .peek()
            .map(|Reverse((at, seq, _))| (Head::Far, *at, *seq));
        match (wheel, far) {
            (Some(w), Some(f)) => Some(if (f.1, f.2) < (w.1, w.2) { f } else { w }),
            (w, f) => w.or(f),
        }
        .map(|(h, at, _)| (h, at))
    }

    /// Time of the next task, if any.
    pub fn peek_time(&self) -> Option<Millis> {
        self.head().map(|(_, at)| at)
    }

    /// Removes the next task if it is due at or before `limit`.
    pub fn pop_due(&mut self, limit: Millis) -> Option<(Millis, T)> {
        let (head, at) = self.head()?;
        if at > limit {
            return None;
        }
        let i = match head {
            Head::Far => self.far.pop()?.0 .2,
            Head::Wheel { bucket } => {
                let i = self.heads[bucket];
                let next = self.slots[i as usize].next;
                self.heads[bucket] = next;
                if next == NONE {
                    self.tails[bucket] = NONE;
                    self.occupied[bucket / 64] &= !(1 << (bucket % 64));
                }
                self.in_wheel -= 1;
                i
            }
        };
        // Every waiting task is due at or after this one: the wheel may move up to it.
        self.base = self.base.max(at);
        let task = self.slots.get_mut(i as usize)?.task.take()?;
        self.free.push(i);
        Some((at, task))
    }

    pub fn len(&self) -> usize {
        self.in_wheel + self.far.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_then_insertion_order() {
        let mut q = EventQueue::default();
        q.push(20, "c");
        q.push(10, "a");
        q.push(10, "b");
        q.push(5, "first");
        assert_eq!(q.pop_due(100), Some((5, "first")));
        assert_eq!(q.pop_due(100), Some((10, "a")));
        assert_eq!(q.pop_due(100), Some((10, "b")));
        assert_eq!(q.pop_due(15), None);
        assert_eq!(q.peek_time(), Some(20));
        assert_eq!(q.len(), 1);
        // Freed slots are reused without mixing tasks up.
        q.push(20, "d");
        q.push(1, "e");
        assert_eq!(q.pop_due(100), Some((1, "e")));
        assert_eq!(q.pop_due(100), Some((20, "c")));
        assert_eq!(q.pop_due(100), Some((20, "d")));
        assert!(q.is_empty());
    }

    /// The wheel and the far heap together give exactly a single heap's order, across the
    /// wheel's edge, its wrap-around and tasks pushed for a time already passed.
    #[test]
    fn same_order_as_one_heap() {
        let mut q = EventQueue::default();
        let mut reference = BinaryHeap::new();
        let mut seq = 0u64;
        let mut state = 7u64;
        let mut now: Millis = 0;
        let mut popped = 0;
        for round in 0..20_000u64 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = state >> 33;
            let delay = match r % 5 {
                0 => 0,
                1 => r % 50,
                2 => WHEEL_SPAN as Millis - 1 + r % 3,
                3 => r % (3 * WHEEL_SPAN as Millis),
                _ => 1_000 * (r % 12),
            };
            // Now and then a task for a time already passed (the queue must not reorder it).
            let at = if r % 97 == 0 {
                now.saturating_sub(5)
            } else {
                now + delay
            };
            seq += 1;
            q.push(at, round);
            reference.push(Reverse((at, seq, round)));
            if r % 3 != 0 {
                let limit = now + r % 2_000;
                let want = match reference.peek() {
                    Some(Reverse((t, _, _))) if *t <= limit => {
                        reference.pop().map(|Reverse((t, _, v))| (t, v))
                    }
                    _ => None,
                };
                let got = q.pop_due(limit);
                assert_eq!(got, want, "round {round}");
                if let Some((t, _)) = got {
                    now = now.max(t);
                    popped += 1;
                }
            }
            assert_eq!(q.len(), reference.len());
        }
        while let Some(Reverse((t, _, v))) = reference.pop() {
            assert_eq!(q.pop_due(Millis::MAX), Some((t, v)));
        }
        assert!(q.is_empty() && popped > 5_000);
    }
}
