//! The allocator of kubeplay's native binaries (the CLI, its benches and profiling loops).
//!
//! A render is mostly small, short-lived allocations: template values, parse trees, YAML
//! nodes. mimalloc serves them fastest, but the `mimalloc` crate's `GlobalAlloc` sends every
//! request through `mi_malloc_aligned`, which checks the alignment and the block it finds on
//! each call. Every mimalloc block is aligned to a machine word, so requests aligned to a word
//! or less go to `mi_malloc` and its kin; only larger alignments take the aligned path. That
//! took 3-4% off a Helm render (instruction counts of `render_loop`).

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc as Rust's global allocator: `#[global_allocator] static A: Mimalloc = Mimalloc;`
pub struct Mimalloc;

/// The alignment every mimalloc block has whatever its size: its size classes are whole
/// words and its pages start on 16 bytes.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method passes the layout's size (and, above a word, its alignment) to the
// mimalloc function with the contract the method needs: blocks of at least `size` bytes,
// aligned to `align` (every mimalloc block is word-aligned, see `WORD`), `null` on failure,
// and freed or resized by the same library that allocated them.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_malloc(layout.size()).cast()
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_zalloc(layout.size()).cast()
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr.cast::<c_void>());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every size from 0 to 4 KiB and alignments from 1 to 4 KiB come back aligned,
    /// hold what was written, keep it through growing and shrinking, and zeroed ones are zero.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let a = Mimalloc;
        for align in (0..13).map(|s| 1usize << s) {
            for size in (0..4096).step_by(61).chain([1, 7, 8, 9, 16, 24, 48, 4096]) {
                let size = size.max(1);
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null() && p as usize % align == 0, "{size} {align}");
                    for i in 0..size {
                        *p.add(i) = i as u8;
                    }
                    let grown = size * 3 + 5;
                    let q = a.realloc(p, layout, grown);
                    assert!(!q.is_null() && q as usize % align == 0, "{size} {align}");
                    assert!((0..size).all(|i| *q.add(i) == i as u8), "{size} {align}");
                    let shrunk = (size / 2).max(1);
                    let r = a.realloc(q, Layout::from_size_align(grown, align).unwrap(), shrunk);
                    assert!(!r.is_null() && r as usize % align == 0, "{size} {align}");
                    assert!((0..shrunk).all(|i| *r.add(i) == i as u8), "{size} {align}");
                    a.dealloc(r, Layout::from_size_align(shrunk, align).unwrap());

                    let z = a.alloc_zeroed(layout);
                    assert!(!z.is_null() && z as usize % align == 0, "{size} {align}");
                    assert!((0..size).all(|i| *z.add(i) == 0), "{size} {align}");
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
