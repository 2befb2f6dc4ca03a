//! A hash index over the keys of a big map.
//!
//! A map's entries are a `BTreeMap`, whose search calls `memcmp` for every key it passes: a
//! `.Values.x` lookup in Bitnami's 77-key values costs ~600 instructions that way, and
//! charts look up `.Values` hundreds of times per render. The index finds a key by its hash
//! and one comparison instead. The map's order (what `range` and `toYaml` walk) is left as
//! it is; the index only answers lookups.

use kubeplay_gotemplate::{Map, Value};

/// Keys and values of one map, found by hash.
pub(crate) struct KeyIndex {
    /// Every key's bytes, one after another: one allocation, not one per key.
    keys: String,
    entries: Vec<Entry>,
    /// Open addressing with linear probing: a slot holds 1 + an index into `entries`, or 0
    /// when empty. Twice as many slots as entries (a power of two) keeps probes short.
    slots: Vec<u32>,
    /// How far right a hash shifts to give a slot number.
    shift: u32,
}

struct Entry {
    hash: u32,
    start: u32,
    len: u32,
    value: Value,
}

impl KeyIndex {
    /// The index of `map`, or `None` for a map too big for 32-bit offsets (never seen in
    /// practice; lookups then use the map itself).
    pub fn new(map: &Map) -> Option<KeyIndex> {
        let n = map.entries.len();
        let key_bytes: usize = map.entries.keys().map(String::len).sum();
        if key_bytes > u32::MAX as usize || n >= (u32::MAX / 2) as usize {
            return None;
        }
        let size = (2 * n).next_power_of_two().max(2);
        let shift = 32 - size.trailing_zeros();
        let mut ix = KeyIndex {
            keys: String::with_capacity(key_bytes),
            entries: Vec::with_capacity(n),
            slots: vec![0; size],
            shift,
        };
        for (k, v) in &map.entries {
            let hash = hash(k.as_bytes());
            let mut slot = (hash >> shift) as usize;
            while ix.slots[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            ix.slots[slot] = ix.entries.len() as u32 + 1;
            ix.entries.push(Entry {
                hash,
                start: ix.keys.len() as u32,
                len: k.len() as u32,
                value: v.clone(),
            });
            ix.keys.push_str(k);
        }
        Some(ix)
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let hash = hash(key.as_bytes());
        let mask = self.slots.len() - 1;
        let mut slot = (hash >> self.shift) as usize;
        loop {
            let e = match self.slots[slot] {
                0 => return None,
                i => &self.entries[i as usize - 1],
            };
            if e.hash == hash && e.len as usize == key.len() {
                let start = e.start as usize;
                if &self.keys.as_bytes()[start..start + key.len()] == key.as_bytes() {
                    return Some(&e.value);
                }
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// A multiplicative hash taken eight bytes at a time (keys are short). Its top bits, the
/// ones the slot number uses, depend on every byte. The last word is the key's last eight
/// bytes, overlapping the one before, and a key under eight bytes is read by overlapping
/// smaller loads: copying a tail into a buffer was a `memcpy` call per lookup. Not
/// collision-resistant: a values file built to collide only makes its own lookups probe
/// longer, bounded by the map's size.
fn hash(key: &[u8]) -> u32 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let n = key.len();
    let mut h = n as u64;
    let mut mix = |w: u64| h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            mix(word8(key, at));
            at += 8;
        }
        mix(word8(key, n - 8));
    } else if n >= 4 {
        // Two four-byte loads that overlap cover every byte.
        mix(u64::from(word4(key, 0)) | u64::from(word4(key, n - 4)) << 32);
    } else if n > 0 {
        mix(u64::from(key[0]) | u64::from(key[n / 2]) << 8 | u64::from(key[n - 1]) << 16);
    }
    (h >> 32) as u32
}

fn word8(b: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

fn word4(b: &[u8], at: usize) -> u32 {
    let mut w = [0; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    fn map(keys: &[String]) -> Map {
        let entries = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), Value::Int(i as i64)))
            .collect();
        Map {
            entries,
            ..Map::default()
        }
    }

    #[test]
    fn finds_every_key_and_no_other() {
        // Keys that share lengths, prefixes and eight-byte chunks, the empty key and
        // non-ASCII ones.
        let mut keys: Vec<String> = (0..300).map(|i| format!("key{i}")).collect();
        keys.extend(
            [
                "",
                "a",
                "ab",
                "abcdefgh",
                "abcdefghi",
                "abcdefgi",
                "ünïcode",
                "日本",
            ]
            .map(String::from),
        );
        let m = map(&keys);
        let ix = KeyIndex::new(&m).expect("index");
        for (k, v) in &m.entries {
            let got = ix.get(k).map(|x| format!("{x:?}"));
            assert_eq!(got, Some(format!("{v:?}")), "key {k:?}");
        }
        for missing in [
            "key300",
            "abcdefg",
            "abcdefghij",
            "b",
            "ünïcod",
            "KEY1",
            "key1 ",
        ] {
            assert!(ix.get(missing).is_none(), "{missing:?} is not a key");
        }
    }

    #[test]
    fn an_empty_map_finds_nothing() {
        let ix = KeyIndex::new(&Map::default()).expect("index");
        assert!(ix.get("").is_none());
        assert!(ix.get("x").is_none());
    }
}
