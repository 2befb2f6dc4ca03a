//! YAML for kubeplay: a positioned node tree, go-yaml's two resolvers, JSON conversion, and
//! byte-exact imitations of the go-yaml encoders that `kustomize build` and Helm's `toYaml`
//! print through.
//!
//! # Why saphyr-parser
//!
//! Reading YAML is delegated to [`saphyr_parser`] (pure Rust, no `unsafe` in our use, an
//! event API with spans, scalar styles, tags and anchor ids). It passes the YAML test suite
//! and is a port of the same libyaml state machine go-yaml ports, so its error wording is
//! libyaml's. Writing a third port would have cost the time the emitters needed. What it does
//! differently from go-yaml is patched in [`parse`]:
//!
//! * positions: saphyr counts characters, we add byte offsets; block scalars are located at
//!   their `|`/`>` header like go-yaml, not at their first content line;
//! * anchors are scoped to their document, aliases are expanded under [`Limits`];
//! * merge keys and duplicate keys follow go-yaml's decoder (`mapping key "a" already defined
//!   at line 6`);
//! * scalars are typed by go-yaml's resolver ([`resolve`]), v3 or v2;
//! * error messages drop libyaml's "while parsing ..." context like go-yaml does.
//!
//! # Writing
//!
//! `kustomize build` and Helm's `toYaml` both end in sigs.k8s.io/yaml's `JSONToYAML`: the
//! object is printed as JSON by Go, read back by go-yaml v2 and written by go-yaml v2's
//! encoder with Go's map-key order. Experiments with kubectl kustomize v5.5.0 confirm this
//! (keys sorted, `1.0` printed as `1`, input quoting styles not kept, `"y"` quoted). [`emit`]
//! implements libyaml's emitter once, with the settings where the go-yaml versions differ:
//!
//! | preset | prints like |
//! | --- | --- |
//! | [`EmitOptions::sigs_yaml`] | `kustomize build`, Helm `toYaml` (go-yaml v2 via JSON) |
//! | [`EmitOptions::helm_pretty`] | Helm `toYamlPretty` (go-yaml v3 encoder, indent 2) |
//! | [`EmitOptions::kyaml`] | kyaml's go-yaml v3 node encoder: node order and styles kept |
//!
//! # Reading like the tools
//!
//! * kustomize resources: [`kyaml::parse_resources`] (kyaml splits files on `---` lines
//!   itself), then [`to_json`] (kyaml flavour, which also reproduces kustomize's internal
//!   write/read round trip), then [`emit_json_documents`] with [`EmitOptions::sigs_yaml`].
//! * Helm values: [`parse_documents_with`] with [`ParseOptions::helm_values`], then
//!   [`to_json_with`] with [`JsonFlavor::SigsYaml`] and `numbers_as_f64` (Helm's values are
//!   float64s), then [`emit_json`] for `toYaml`.
//!
//! The goldens in `tests/fixtures/` (from kubectl kustomize and Helm, see `regen.py` there)
//! pin all of this down byte for byte.

#![warn(missing_docs)]

pub mod emit;
pub mod error;
pub mod gofmt;
pub mod json;
pub mod kyaml;
pub mod limits;
pub mod node;
pub mod parse;
pub mod resolve;

pub use emit::{
    emit_documents, emit_json, emit_json_documents, emit_node, go_yaml_v2_key_order, EmitOptions,
    KeyOrder,
};
pub use error::Error;
pub use json::{
    from_json, json_bool_node, json_float_node, json_int_node, to_json, to_json_with, JsonFlavor,
    JsonOptions,
};
pub use limits::Limits;
pub use node::{Mapping, Node, Pos, Scalar, ScalarStyle, Sequence, Value};
pub use parse::{parse_documents, parse_documents_with, parse_one, DuplicateKeys, ParseOptions};
pub use resolve::{Resolved, Schema};
