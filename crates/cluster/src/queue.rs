//! The deterministic event queue: tasks ordered by virtual time, ties broken by insertion order,
//! so the same input always yields the same timeline.

use crate::clock::Millis;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<T> {
    at: Millis,
    seq: u64,
    task: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.seq == other.seq
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (then first-queued) task.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A min-queue of tasks keyed by time; FIFO among tasks due at the same millisecond.
pub struct EventQueue<T> {
    heap: BinaryHeap<Entry<T>>,
    seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<T> EventQueue<T> {
    pub fn push(&mut self, at: Millis, task: T) {
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            task,
        });
    }

    /// Time of the next task, if any.
    pub fn peek_time(&self) -> Option<Millis> {
        self.heap.peek().map(|e| e.at)
    }

    /// Removes the next task if it is due at or before `limit`.
    pub fn pop_due(&mut self, limit: Millis) -> Option<(Millis, T)> {
        if self.heap.peek()?.at > limit {
            return None;
        }
        self.heap.pop().map(|e| (e.at, e.task))
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
    }
}
