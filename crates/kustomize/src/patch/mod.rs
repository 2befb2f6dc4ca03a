//! Patches: strategic merge ([`strategic`]) and RFC 6902 ([`json6902`]).

pub mod json6902;
pub mod merge_keys;
pub mod strategic;
