//! Values by name: the set's functions and templates. Every function call and every
//! `include` looks a name up, and the parser checks every identifier it reads; Sprig's names
//! are short. So a name's key is its length and two words holding its first and last bytes
//! (together every byte of a name up to 16 bytes long): a lookup compares integers, and only
//! longer names are compared byte by byte, where their keys match.

/// A name's length and edge words: equal keys mean equal names up to [`KEY_EXACT`] bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Key {
    len: usize,
    first: u64,
    last: u64,
}

/// Names up to this long are told apart by their keys alone.
const KEY_EXACT: usize = 16;

/// The eight bytes at `b[at..]` as a word (fixed-size reads compile to loads).
fn word8(b: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

fn word4(b: &[u8], at: usize) -> u64 {
    let mut w = [0; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u64::from(u32::from_le_bytes(w))
}

impl Key {
    fn of(name: &str) -> Key {
        let b = name.as_bytes();
        let n = b.len();
        // Overlapping fixed-size reads: no loop and no call for a name's tail.
        let (first, last) = if n >= 8 {
            (word8(b, 0), word8(b, n - 8))
        } else if n >= 4 {
            (word4(b, 0), word4(b, n - 4))
        } else if n > 0 {
            (
                u64::from(b[0]) | u64::from(b[n / 2]) << 8,
                u64::from(b[n - 1]),
            )
        } else {
            (0, 0)
        };
        Key {
            len: n,
            first,
            last,
        }
    }

    /// A slot index's bits: every byte of both words and the length reach the high bits
    /// the table takes.
    fn hash(&self) -> u64 {
        (self.first ^ self.last.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

#[derive(Clone, Debug)]
struct Entry<V> {
    key: Key,
    name: String,
    value: V,
}

/// An insert-only table of values by name, in insertion order, with open addressing over a
/// table at least twice as long as the entries.
#[derive(Clone, Debug)]
pub(crate) struct NameTable<V> {
    entries: Vec<Entry<V>>,
    /// 0 for an empty slot, else 1 + the entry's index.
    slots: Vec<u32>,
    /// How far a hash shifts right to give a slot index (64 - log2 of the slots).
    shift: u32,
}

impl<V> Default for NameTable<V> {
    fn default() -> Self {
        NameTable {
            entries: Vec::new(),
            slots: Vec::new(),
            shift: 64,
        }
    }
}

const MIN_SLOTS: usize = 16;

impl<V> NameTable<V> {
    /// The slot holding `name`'s entry, or the empty slot where it would go (`None` before
    /// the first insert).
    #[inline]
    fn find(&self, key: &Key, name: &str) -> Option<(usize, Option<usize>)> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize & mask;
        loop {
            match self.slots[i] {
                0 => return Some((i, None)),
                s => {
                    let e = s as usize - 1;
                    let entry = &self.entries[e];
                    if entry.key == *key && (key.len <= KEY_EXACT || entry.name == name) {
                        return Some((i, Some(e)));
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&V> {
        self.at(self.index_of(name)?)
    }

    /// Where `name`'s entry is: entries never move, so the index stays valid for this table
    /// (and its clones) while it lives.
    #[inline]
    pub(crate) fn index_of(&self, name: &str) -> Option<u32> {
        let key = Key::of(name);
        let (_, e) = self.find(&key, name)?;
        e.map(|e| e as u32)
    }

    /// The value of the entry at `index` ([`NameTable::index_of`]).
    pub(crate) fn at(&self, index: u32) -> Option<&V> {
        self.entries.get(index as usize).map(|e| &e.value)
    }

    pub(crate) fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Adds `name`, or replaces its value.
    pub(crate) fn insert(&mut self, name: String, value: V) {
        let key = Key::of(&name);
        match self.find(&key, &name) {
            Some((_, Some(e))) => {
                self.entries[e].value = value;
                return;
            }
            Some((slot, None)) if (self.entries.len() + 1) * 2 <= self.slots.len() => {
                self.entries.push(Entry { key, name, value });
                self.slots[slot] = self.entries.len() as u32;
                return;
            }
            _ => {}
        }
        self.entries.push(Entry { key, name, value });
        self.rebuild();
    }

    /// Lays the entries out in a table a quarter full.
    fn rebuild(&mut self) {
        let len = (self.entries.len() * 4).next_power_of_two().max(MIN_SLOTS);
        self.slots = vec![0; len];
        self.shift = 64 - len.trailing_zeros();
        let shift = self.shift;
        for (e, entry) in self.entries.iter().enumerate() {
            let mut i = (entry.key.hash() >> shift) as usize & (len - 1);
            while self.slots[i] != 0 {
                i = (i + 1) & (len - 1);
            }
            self.slots[i] = e as u32 + 1;
        }
    }

    /// The names, in insertion order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names that share edges, lengths or prefixes are told apart at every length around
    /// the key's limits, and replacing keeps one entry.
    #[test]
    fn every_name_finds_its_own_value() {
        let mut names: Vec<String> = vec!["".into(), "a".into(), "b".into(), "ab".into()];
        for n in 1..=40 {
            names.push("x".repeat(n));
            names.push(format!("{}y", "x".repeat(n)));
            names.push(format!("y{}", "x".repeat(n)));
            if n > 2 {
                names.push(format!("x{}x", "y".repeat(n - 2)));
                names.push(format!("x{}x", "z".repeat(n - 2)));
            }
        }
        names.extend(
            ["include", "includf", "toYaml", "toYamlPretty", "mustToYaml"].map(String::from),
        );
        names.push("ä".into());
        names.push("日本語の名前".into());
        let mut t = NameTable::default();
        for (i, n) in names.iter().enumerate() {
            assert!(!t.contains_key(n), "{n:?} before insert");
            t.insert(n.clone(), i);
        }
        assert_eq!(t.names().count(), names.len());
        for (i, n) in names.iter().enumerate() {
            assert_eq!(t.get(n), Some(&i), "{n:?}");
        }
        assert_eq!(t.get("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(t.get("c"), None);
        t.insert("toYaml".into(), 1000);
        assert_eq!(t.get("toYaml"), Some(&1000));
        let at = t.index_of("toYaml").and_then(|i| t.at(i));
        assert_eq!(at, Some(&1000));
        assert_eq!(t.index_of("nothing"), None);
        assert_eq!(t.at(u32::MAX), None);
        assert_eq!(t.names().count(), names.len());
        assert_eq!(t.names().next(), Some(""));
    }

    #[test]
    fn an_empty_table_has_nothing() {
        let t: NameTable<u8> = NameTable::default();
        assert_eq!(t.get("x"), None);
        assert_eq!(t.names().count(), 0);
    }
}
