//! Resource limits. Go relies on its growable stacks and has no budget;
//! a browser tab cannot afford either, so execution is bounded.

/// Bounds on one execution (including nested `include`/`tpl` calls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of `template` calls and host nested executions.
    /// Go allows 100000 (1000 on wasm); we use Go's wasm value.
    pub max_depth: usize,
    /// Maximum nesting of recursive evaluation (each template call, block
    /// and pipeline is a level), across nested executions. This bounds
    /// the engine's call depth where the stack-address check below cannot
    /// see everything: on wasm, frames also live on the engine's own stack.
    pub max_nesting: usize,
    /// Maximum bytes of native stack one parse, or one execution, may use.
    /// Checked at every nesting step so that deep recursion (templates
    /// calling templates, nested pipelines, deeply nested blocks) ends in an
    /// error, never a stack overflow. With the default, runaway recursion
    /// stops after about 600 nested `template` calls (about 120 through a
    /// host `include`) in release builds, a quarter of that unoptimised; and
    /// checked under V8, wasm builds stay safe with JS stacks down to 300 KiB
    /// even when a `tpl` parse runs at the deepest point.
    pub max_stack: usize,
    /// Maximum number of evaluation steps (nodes walked, loop iterations).
    /// Bounds `range` over huge integers and runaway recursion.
    pub max_steps: u64,
    /// Maximum bytes of output of one execution.
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 1000,
            max_nesting: 1500,
            max_stack: 256 << 10,
            max_steps: 10_000_000,
            max_output: 64 << 20,
        }
    }
}

/// Shared counters for one top-level execution.
#[derive(Debug)]
pub(crate) struct Budget {
    pub limits: Limits,
    pub steps: u64,
    /// Current recursion level, see [`Limits::max_nesting`].
    pub nesting: usize,
    /// Address of a local in the outermost execute call: the stack base.
    stack_base: usize,
    /// Emptied argument vectors kept for the next function call: a call
    /// allocated two of them, and charts make thousands of calls.
    pub arg_pool: Vec<Vec<crate::exec::Rv>>,
    pub value_pool: Vec<Vec<crate::Value>>,
    /// Output buffers of finished `include`s, for the next one.
    pub out_pool: Vec<Vec<u8>>,
}

/// An address on the current stack (the stack grows down on every target
/// we build for, but only the distance matters).
#[inline(always)]
pub(crate) fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            steps: 0,
            nesting: 0,
            stack_base: stack_addr(),
            arg_pool: Vec::new(),
            value_pool: Vec::new(),
            out_pool: Vec::new(),
        }
    }

    /// Whether the stack used since the start exceeds the limit.
    pub fn stack_exhausted(&self) -> bool {
        stack_addr().abs_diff(self.stack_base) > self.limits.max_stack
    }
}
