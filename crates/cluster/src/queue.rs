//! The deterministic event queue: tasks ordered by virtual time, ties broken by insertion order,
//! so the same input always yields the same timeline.

use crate::clock::Millis;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A min-queue of tasks keyed by time; FIFO among tasks due at the same millisecond.
///
/// The heap holds only 24-byte keys (time, insertion number, slot); the tasks wait in a slab,
/// so sifting moves small values whatever the task's size (the heap was the simulator's
/// hottest spot with the tasks inline).
pub struct EventQueue<T> {
    heap: BinaryHeap<Reverse<(Millis, u64, u32)>>,
    slots: Vec<Option<T>>,
    free: Vec<u32>,
    seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            seq: 0,
        }
    }
}

impl<T> EventQueue<T> {
    pub fn push(&mut self, at: Millis, task: T) {
        self.seq += 1;
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(task);
                i
            }
            None => {
                // More than u32::MAX waiting tasks cannot happen within the step limits; the
                // conversion saturates rather than wraps if it ever did.
                let i = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                self.slots.push(Some(task));
                i
            }
        };
        self.heap.push(Reverse((at, self.seq, slot)));
    }

    /// Time of the next task, if any.
    pub fn peek_time(&self) -> Option<Millis> {
        self.heap.peek().map(|Reverse(e)| e.0)
    }

    /// Removes the next task if it is due at or before `limit`.
    pub fn pop_due(&mut self, limit: Millis) -> Option<(Millis, T)> {
        if self.heap.peek()?.0 .0 > limit {
            return None;
        }
        let Reverse((at, _, slot)) = self.heap.pop()?;
        let task = self.slots.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        Some((at, task))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
}
