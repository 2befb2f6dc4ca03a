//! The entries of a template map: string keys in Go's order (byte order, how `range`, `fmt`
//! and `toYaml` walk a map), held in one sorted `Vec`.
//!
//! Template maps are small and read far more than they change: the scope has seven keys, a
//! chart's values a few dozen per level. A flat vector is one allocation to build and drop
//! (a `BTreeMap` allocates a node per eleven keys and searches each node with a `memcmp` per
//! key it passes); a small map is scanned, a bigger one binary searched. Each entry keeps
//! its key's first eight bytes as a number, so most comparisons are one integer compare,
//! not a `memcmp` call.
//!
//! A change in the middle moves the entries after it, so a chart that grows a map key by key
//! (`set` in a `range` over many thousands of keys, out of order) would cost quadratic time.
//! No single change is allowed to move more than [`FLAT_MAX`] entries: one that would do so
//! turns the map into a `BTreeMap` instead, for good.

use std::cmp::Ordering;
use std::collections::{btree_map, BTreeMap};
use std::fmt;

/// Maps up to this size are scanned, not binary searched.
const SCAN_MAX: usize = 8;

/// The most entries one insert or remove may move in a flat map (~56 KB of memmove for
/// template values); a bigger change makes the map a tree.
pub const FLAT_MAX: usize = 1024;

/// String keys to values, iterated in byte order of the keys.
#[derive(Clone)]
pub struct SortedMap<V> {
    repr: Repr<V>,
}

#[derive(Clone)]
enum Repr<V> {
    /// Sorted by key, no key twice.
    Flat(Vec<Slot<V>>),
    /// A map that was changed in the middle while big (see the module's comment).
    Tree(BTreeMap<String, V>),
}

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<V> SortedMap<V> {
    /// An empty map (allocates nothing).
    pub const fn new() -> Self {
        SortedMap {
            repr: Repr::Flat(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Flat(v) => v.len(),
            Repr::Tree(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&V> {
        match &self.repr {
            Repr::Flat(v) => find(v, key).map(|i| &v[i].value),
            Repr::Tree(t) => t.get(key),
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        match &mut self.repr {
            Repr::Flat(v) => find(v, key).map(|i| &mut v[i].value),
            Repr::Tree(t) => t.get_mut(key),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, returning the value it replaced.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        let v = match &mut self.repr {
            Repr::Tree(t) => return t.insert(key, value),
            Repr::Flat(v) => v,
        };
        let probe = Probe::new(&key);
        // Maps are often built in key order (from another map, a sorted list): append.
        if v.last()
            .is_none_or(|last| probe.order(last) == Ordering::Less)
        {
            v.push(Slot::new(probe.head, key, value));
            return None;
        }
        match v.binary_search_by(|s| probe.order(s)) {
            Ok(i) => Some(std::mem::replace(&mut v[i].value, value)),
            Err(i) if v.len() - i <= FLAT_MAX => {
                v.insert(i, Slot::new(probe.head, key, value));
                None
            }
            Err(_) => {
                let mut t = tree(std::mem::take(v));
                let old = t.insert(key, value);
                self.repr = Repr::Tree(t);
                old
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let v = match &mut self.repr {
            Repr::Tree(t) => return t.remove(key),
            Repr::Flat(v) => v,
        };
        let probe = Probe::new(key);
        let i = v.binary_search_by(|s| probe.order(s)).ok()?;
        if v.len() - i > FLAT_MAX {
            let mut t = tree(std::mem::take(v));
            let old = t.remove(key);
            self.repr = Repr::Tree(t);
            return old;
        }
        Some(v.remove(i).value)
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut V) -> bool) {
        match &mut self.repr {
            Repr::Flat(v) => v.retain_mut(|s| keep(&s.key, &mut s.value)),
            Repr::Tree(t) => t.retain(|k, x| keep(k, x)),
        }
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter(match &self.repr {
            Repr::Flat(v) => IterRepr::Flat(v.iter()),
            Repr::Tree(t) => IterRepr::Tree(t.iter()),
        })
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.iter().map(|(_, x)| x)
    }
}

/// A flat map's entries as a tree (already sorted, so built in linear time).
fn tree<V>(v: Vec<Slot<V>>) -> BTreeMap<String, V> {
    v.into_iter().map(|s| (s.key, s.value)).collect()
}

/// One entry of a flat map.
#[derive(Clone)]
struct Slot<V> {
    /// [`head`] of the key.
    head: u64,
    key: String,
    value: V,
}

impl<V> Slot<V> {
    fn new(head: u64, key: String, value: V) -> Self {
        Slot { head, key, value }
    }

    fn of(key: String, value: V) -> Self {
        Slot::new(head(key.as_bytes()), key, value)
    }
}

/// The first eight bytes of a key, big-endian, padded with zeros: two keys whose heads
/// differ are in the order of their heads (a shorter key that is a prefix of the other is
/// padded with zeros, the smallest byte). Keys under eight bytes are read by overlapping
/// loads, not copied into a buffer.
#[inline]
fn head(k: &[u8]) -> u64 {
    let n = k.len();
    if n >= 8 {
        u64::from_be_bytes(word(k, 0))
    } else if n >= 4 {
        let first = u64::from(u32::from_be_bytes(half(k, 0)));
        let last = u64::from(u32::from_be_bytes(half(k, n - 4)));
        first << 32 | last << (8 * (8 - n))
    } else if n > 0 {
        let byte = |i: usize| u64::from(k[i]) << (56 - 8 * i);
        byte(0) | byte(n / 2) | byte(n - 1)
    } else {
        0
    }
}

#[inline]
fn word(b: &[u8], at: usize) -> [u8; 8] {
    let mut w = [0; 8];
    w.copy_from_slice(&b[at..at + 8]);
    w
}

#[inline]
fn half(b: &[u8], at: usize) -> [u8; 4] {
    let mut w = [0; 4];
    w.copy_from_slice(&b[at..at + 4]);
    w
}

/// A key being looked up, with its head computed once.
struct Probe<'a> {
    head: u64,
    key: &'a [u8],
}

impl<'a> Probe<'a> {
    #[inline]
    fn new(key: &'a str) -> Self {
        Probe {
            head: head(key.as_bytes()),
            key: key.as_bytes(),
        }
    }

    /// Whether `s` holds this key: heads and lengths first, then the bytes after the
    /// eighth eight at a time (the last word overlapping the one before).
    #[inline]
    fn matches<V>(&self, s: &Slot<V>) -> bool {
        let (a, b) = (s.key.as_bytes(), self.key);
        if s.head != self.head || a.len() != b.len() {
            return false;
        }
        let n = b.len();
        if n <= 8 {
            return true;
        }
        let mut at = 8;
        while at + 8 < n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        word(a, n - 8) == word(b, n - 8)
    }

    /// The order of `s`'s key against this one.
    #[inline]
    fn order<V>(&self, s: &Slot<V>) -> Ordering {
        match s.head.cmp(&self.head) {
            Ordering::Equal if self.matches(s) => Ordering::Equal,
            Ordering::Equal => s.key.as_bytes().cmp(self.key),
            o => o,
        }
    }
}

/// Key order of two entries, as [`Probe::order`].
fn slot_order<V>(a: &Slot<V>, b: &Slot<V>) -> Ordering {
    a.head.cmp(&b.head).then_with(|| a.key.cmp(&b.key))
}

/// The index of `key`: a scan in a small map, a binary search in a bigger one.
#[inline]
fn find<V>(v: &[Slot<V>], key: &str) -> Option<usize> {
    let probe = Probe::new(key);
    if v.len() <= SCAN_MAX {
        v.iter().position(|s| probe.matches(s))
    } else {
        v.binary_search_by(|s| probe.order(s)).ok()
    }
}

impl<V> FromIterator<(String, V)> for SortedMap<V> {
    /// Sorts once; of a key given twice the last value stays, as when collecting into a
    /// `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut v: Vec<Slot<V>> = iter.into_iter().map(|(k, x)| Slot::of(k, x)).collect();
        if !v.is_sorted_by(|a, b| slot_order(a, b) == Ordering::Less) {
            // Stable, so equal keys stay in input order and the dedup below keeps the last.
            v.sort_by(slot_order);
            v.dedup_by(|later, kept| {
                let same = later.key == kept.key;
                if same {
                    std::mem::swap(&mut later.value, &mut kept.value);
                }
                same
            });
        }
        SortedMap {
            repr: Repr::Flat(v),
        }
    }
}

impl<V> Extend<(String, V)> for SortedMap<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, iter: I) {
        match &mut self.repr {
            Repr::Tree(t) => t.extend(iter),
            Repr::Flat(v) => {
                // Appended, then one sort that merges the two sorted runs, never an insert
                // per entry.
                let old = std::mem::take(v).into_iter().map(|s| (s.key, s.value));
                *self = old.chain(iter).collect();
            }
        }
    }
}

impl<V> From<BTreeMap<String, V>> for SortedMap<V> {
    /// In linear time: a tree is already sorted.
    fn from(t: BTreeMap<String, V>) -> Self {
        SortedMap {
            repr: Repr::Flat(t.into_iter().map(|(k, x)| Slot::of(k, x)).collect()),
        }
    }
}

impl<V, const N: usize> From<[(String, V); N]> for SortedMap<V> {
    fn from(entries: [(String, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V: fmt::Debug> fmt::Debug for SortedMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The entries of a [`SortedMap`] in key order.
pub struct Iter<'a, V>(IterRepr<'a, V>);

enum IterRepr<'a, V> {
    Flat(std::slice::Iter<'a, Slot<V>>),
    Tree(btree_map::Iter<'a, String, V>),
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a String, &'a V);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::Flat(i) => i.next().map(|s| (&s.key, &s.value)),
            IterRepr::Tree(i) => i.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IterRepr::Flat(i) => i.size_hint(),
            IterRepr::Tree(i) => i.size_hint(),
        }
    }
}

impl<V> DoubleEndedIterator for Iter<'_, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::Flat(i) => i.next_back().map(|s| (&s.key, &s.value)),
            IterRepr::Tree(i) => i.next_back(),
        }
    }
}

impl<V> ExactSizeIterator for Iter<'_, V> {}

impl<'a, V> IntoIterator for &'a SortedMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

/// The entries of a [`SortedMap`] in key order, by value.
pub struct IntoIter<V>(IntoIterRepr<V>);

enum IntoIterRepr<V> {
    Flat(std::vec::IntoIter<Slot<V>>),
    Tree(btree_map::IntoIter<String, V>),
}

impl<V> Iterator for IntoIter<V> {
    type Item = (String, V);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IntoIterRepr::Flat(i) => i.next().map(|s| (s.key, s.value)),
            IntoIterRepr::Tree(i) => i.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IntoIterRepr::Flat(i) => i.size_hint(),
            IntoIterRepr::Tree(i) => i.size_hint(),
        }
    }
}

impl<V> ExactSizeIterator for IntoIter<V> {}

impl<V> IntoIterator for SortedMap<V> {
    type Item = (String, V);
    type IntoIter = IntoIter<V>;
    fn into_iter(self) -> IntoIter<V> {
        IntoIter(match self.repr {
            Repr::Flat(v) => IntoIterRepr::Flat(v.into_iter()),
            Repr::Tree(t) => IntoIterRepr::Tree(t.into_iter()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<V>(m: &SortedMap<V>) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }

    fn is_tree<V>(m: &SortedMap<V>) -> bool {
        matches!(m.repr, Repr::Tree(_))
    }

    /// `n` keys whose byte order differs from their numeric order (`k10` < `k2`).
    fn numbered(n: usize) -> Vec<(String, usize)> {
        (0..n).map(|i| (format!("k{i}"), i)).collect()
    }

    #[test]
    fn iterates_in_byte_order_whatever_the_insert_order() {
        let mut m = SortedMap::new();
        for k in ["b", "a", "B", "ä", "", "ab", "a\0"] {
            assert_eq!(m.insert(k.to_string(), k.len()), None);
        }
        assert_eq!(keys(&m), ["", "B", "a", "a\0", "ab", "b", "ä"]);
        assert_eq!(m.len(), 7);
        let rev: Vec<&String> = m.keys().rev().collect();
        assert_eq!(rev.first().map(|k| k.as_str()), Some("ä"));
    }

    #[test]
    fn collect_sorts_and_keeps_the_last_of_duplicate_keys_as_btreemap_does() {
        let input = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5), ("b", 6)];
        let m: SortedMap<i32> = input.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let t: BTreeMap<String, i32> = input.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let got: Vec<(&String, &i32)> = m.iter().collect();
        let want: Vec<(&String, &i32)> = t.iter().collect();
        assert_eq!(got, want);
        assert_eq!(m.get("b"), Some(&6));
        // Duplicates in sorted input too, and more than a small sort's length.
        let mut many: Vec<(String, usize)> = numbered(50);
        many.extend(numbered(50).into_iter().map(|(k, i)| (k, i + 100)));
        let m: SortedMap<usize> = many.into_iter().collect();
        assert_eq!(m.len(), 50);
        assert!(m.iter().all(|(k, v)| *k == format!("k{}", v - 100)));
    }

    #[test]
    fn insert_replaces_and_remove_returns_the_value() {
        let mut m: SortedMap<i32> = [("a".to_string(), 1), ("c".to_string(), 3)].into();
        assert_eq!(m.insert("a".into(), 10), Some(1));
        assert_eq!(m.insert("b".into(), 2), None);
        assert_eq!(keys(&m), ["a", "b", "c"]);
        assert_eq!(m.remove("b"), Some(2));
        assert_eq!(m.remove("b"), None);
        assert_eq!(m.remove("zz"), None);
        assert_eq!(keys(&m), ["a", "c"]);
        assert_eq!(m.get("a"), Some(&10));
        *m.get_mut("c").expect("c") += 1;
        assert_eq!(m.get("c"), Some(&4));
        assert!(m.contains_key("c") && !m.contains_key("b"));
    }

    #[test]
    fn an_empty_map_finds_nothing() {
        let mut m: SortedMap<i32> = SortedMap::new();
        assert!(m.is_empty());
        assert_eq!(m.get(""), None);
        assert_eq!(m.get("x"), None);
        assert_eq!(m.get_mut("x"), None);
        assert_eq!(m.remove("x"), None);
        assert_eq!(m.iter().next(), None);
    }

    #[test]
    fn lookups_find_every_key_and_no_other_at_every_size() {
        // Sizes around the scan threshold and the binary search's halving points.
        for n in [1, 2, 7, 8, 9, 15, 16, 17, 33, 100] {
            let m: SortedMap<usize> = numbered(n).into_iter().collect();
            for (k, i) in numbered(n) {
                assert_eq!(m.get(&k), Some(&i), "{k} of {n}");
            }
            // Before the first key, after the last, between two, and a prefix of a key.
            for missing in ["", "a", "k", "k0x", "kz", "l", "k00"] {
                assert_eq!(m.get(missing), None, "{missing:?} in {n}");
            }
        }
    }

    /// Keys of every length around the head's eight bytes and the tail's words, sharing
    /// prefixes, with zero bytes and non-ASCII.
    fn awkward_keys() -> Vec<String> {
        let mut ks = vec![String::new()];
        for stem in ["a", "ab\0", "\0", "é", "zzzzzzzz"] {
            for n in 0..=26 {
                ks.push(stem.repeat(n + 1).chars().take(n + 1).collect());
                let mut k: String = "k".repeat(n);
                k.push_str(stem);
                ks.push(k);
            }
        }
        ks
    }

    #[test]
    fn head_order_agrees_with_byte_order_for_every_pair() {
        let ks = awkward_keys();
        for a in &ks {
            let probe = Probe::new(a);
            for b in &ks {
                let slot = Slot::of(b.clone(), ());
                assert_eq!(
                    probe.order(&slot),
                    b.as_bytes().cmp(a.as_bytes()),
                    "{b:?} vs {a:?}"
                );
                assert_eq!(probe.matches(&slot), a == b, "{b:?} vs {a:?}");
            }
        }
    }

    #[test]
    fn awkward_keys_are_found_in_scanned_and_searched_maps() {
        let ks = awkward_keys();
        for n in [SCAN_MAX, ks.len()] {
            let m: SortedMap<&String> = ks[..n].iter().map(|k| (k.clone(), k)).collect();
            for k in &ks[..n] {
                assert_eq!(m.get(k), Some(&k), "{k:?}");
            }
            let sorted: Vec<&String> = m.keys().collect();
            assert!(sorted.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()));
        }
    }

    #[test]
    fn same_length_keys_are_told_apart_by_their_bytes() {
        let m: SortedMap<i32> = [("ab", 1), ("ba", 2), ("bb", 3)]
            .map(|(k, v)| (k.to_string(), v))
            .into();
        assert_eq!(m.get("ba"), Some(&2));
        assert_eq!(m.get("aa"), None);
    }

    #[test]
    fn retain_extend_and_into_iter_keep_the_order() {
        let mut m: SortedMap<usize> = numbered(20).into_iter().collect();
        m.retain(|_, v| *v % 2 == 0);
        assert_eq!(m.len(), 10);
        m.extend([("k3".to_string(), 33), ("k0".to_string(), 100)]);
        assert_eq!(m.get("k0"), Some(&100), "extend replaces");
        assert_eq!(m.get("k3"), Some(&33));
        let all: Vec<(String, usize)> = m.clone().into_iter().collect();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted);
        let vals: Vec<usize> = m.values().copied().collect();
        assert_eq!(vals.len(), 11);
        assert_eq!(
            format!("{:?}", SortedMap::from([("a".to_string(), 1)])),
            r#"{"a": 1}"#
        );
    }

    #[test]
    fn appending_in_key_order_stays_flat_at_any_size() {
        let mut m = SortedMap::new();
        let mut ks: Vec<String> = (0..3 * FLAT_MAX).map(|i| format!("{i:06}")).collect();
        for k in &ks {
            m.insert(k.clone(), ());
        }
        assert!(!is_tree(&m));
        ks.sort();
        assert!(m.keys().eq(ks.iter()));
        // Removing the last entries moves nothing.
        for k in ks.iter().rev().take(10) {
            assert_eq!(m.remove(k), Some(()));
        }
        assert!(!is_tree(&m));
    }

    #[test]
    fn a_big_change_in_the_middle_makes_a_tree_that_behaves_the_same() {
        let n = 2 * FLAT_MAX;
        let mut m: SortedMap<usize> = numbered(n).into_iter().collect();
        // Near the end: few entries move, still flat.
        m.insert("k999999".into(), 0);
        assert!(!is_tree(&m));
        // At the front of a big map: a tree.
        assert_eq!(m.remove("k0"), Some(0));
        assert!(is_tree(&m));
        assert_eq!(m.len(), n);
        assert_eq!(m.insert("a".into(), 1), None);
        assert_eq!(m.insert("a".into(), 2), Some(1));
        assert_eq!(m.get("a"), Some(&2));
        assert_eq!(m.get("k1"), Some(&1));
        *m.get_mut("k1").expect("k1") = 7;
        assert_eq!(m.get("k1"), Some(&7));
        let ks: Vec<&String> = m.keys().collect();
        assert!(ks.windows(2).all(|w| w[0] < w[1]));
        m.retain(|k, _| k.as_str() < "k2");
        m.extend([("0".to_string(), 0)]);
        assert_eq!(keys(&m).first(), Some(&"0"));
        assert_eq!(m.clone().into_iter().count(), m.len());

        let mut m: SortedMap<usize> = numbered(n).into_iter().collect();
        m.insert("a".into(), 0);
        assert!(is_tree(&m), "an insert at the front of a big map");
        assert_eq!(m.len(), n + 1);
    }
}
