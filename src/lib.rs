//! leadcheck: inspect and validate the lead payloads WhatConverts sends to webhooks.
//!
//! This is the library: it reads, checks, compares and summarises records, and returns
//! data. It never prints (the lints below enforce it) and knows nothing of the command
//! line, terminals or exit codes; the `leadcheck` binary (`src/main.rs` and the modules it
//! declares: `cli`, `run`, `commands`, `render`) is built on it. Read top-down, the modules
//! follow a record from where it comes from to what is found in it:
//!
//! - [`input`]: inputs (files, directories, FIFOs, stdin), and the one failure type of
//!   reading ([`input::InputError`]);
//! - [`capture`]: capture formats (gzip, HTTP requests, HAR, form bodies) detected once per
//!   input and cut into bodies; API list responses read as their leads;
//! - [`reader`]: JSON text (documents, NDJSON, JSON text sequences, values one after
//!   another) read as records, with recovery after a broken one;
//! - [`record`]: a record and its [`record::Origin`]; positions of JSON Pointers in it;
//! - [`scan`]: the one front door: every record of the inputs, worked on in parallel and
//!   handed out in input order;
//! - [`position`]: line:column, and JSON Pointers located in a record's text in one pass;
//! - [`schema`]: the bundled schemas, compiled once; [`check`]: violations, as data;
//!   [`tape`]: a record's text as a flat tape jsonschema validates in place, without a
//!   `Value` (the fast path);
//! - [`card`]: the lead card; [`stats`]: a capture summarised; [`time`]: lead timestamps
//!   as instants, compared across offsets; [`tree`]: a record's own text as a tree (key
//!   order and numbers as written); [`redact`]: personal values replaced; [`explain`]: the
//!   schemas as documentation;
//! - [`diff`]: structural changes between two values; [`leads`]: records grouped by lead;
//! - [`lint`]: the rules a schema cannot say, their levels, `leadcheck.toml`;
//! - [`listen`]: a webhook receiver that stores every delivery in a capture, checks it and
//!   forwards it; [`send`]: records replayed to an endpoint, exactly as they arrived, a
//!   lead's deliveries in order; [`client`]: the small HTTP client both post with.
//!
//! The library on its own: a record read, checked, and its violation pinpointed.
//!
//! ```
//! use leadcheck::check::{Options, Status, check_item};
//! use leadcheck::reader::Reader;
//! use leadcheck::schema::Schemas;
//!
//! let schemas = Schemas::by_type();
//! let capture = br#"{"lead_id": "153928", "lead_type": "Chat"}"#;
//! let item = Reader::new("capture".into(), &capture[..]).next().unwrap().unwrap();
//! let checked = check_item(&schemas, item, &Options::default()).unwrap();
//! assert_eq!(checked.status(), Status::Invalid);
//! let v = &checked.violations()[0];
//! assert_eq!((&*v.pointer, v.at.to_string()), ("/lead_id", "1:13".to_string()));
//! assert_eq!(v.message, r#"expected an integer, found string "153928""#);
//! ```
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod capture;
pub mod card;
pub mod check;
pub mod client;
pub mod diff;
pub mod explain;
pub mod input;
pub mod leads;
pub mod lint;
pub mod listen;
pub mod position;
pub mod reader;
pub mod record;
pub mod redact;
pub mod scan;
pub mod schema;
pub mod send;
pub mod stats;
pub mod suggest;
pub mod tape;
pub mod time;
pub mod tree;
