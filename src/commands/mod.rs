//! One module per command: each reads its inputs, calls the library, and writes through
//! the renderers to the [`Streams`](crate::run::Streams) it is given.

pub mod diff;
pub mod history;
pub mod validate;
