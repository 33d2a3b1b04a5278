//! One module per command: each reads its inputs, calls the library, and writes through
//! the renderers to the [`Streams`](crate::run::Streams) it is given.

pub mod completions;
pub mod man;
pub mod validate;
