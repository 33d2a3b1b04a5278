//! leadcheck: inspect and validate the lead payloads WhatConverts sends to webhooks.
//!
//! The library does the work and returns data; it never prints (the lints below enforce
//! it). `render` turns that data into text, JSON and the other output formats, writing to
//! any `io::Write`; the binary (`src/main.rs`) only parses arguments, runs, and maps the
//! outcome to an exit code.
//!
//! - [`input`]: inputs (files, directories, stdin) → records with their origin;
//! - [`capture`]: capture formats (gzip, HTTP requests, HAR, form bodies, API lists) →
//!   bodies fed to the input reader;
//! - [`pipeline`]: records checked on every core, results in input order;
//! - [`position`]: byte offsets ↔ line:column, JSON Pointer → position;
//! - [`schema`]: the bundled schemas, compiled once;
//! - [`validate`]: violations of a record, as data;
//! - [`summary`]: the lead card as data; [`stats`]: a capture summarised while it streams;
//! - [`fmt`]: a record's own text as a tree (key order and numbers as written);
//! - [`redact`]: personal values replaced by stable placeholders;
//! - [`explain`]: the bundled schema as documentation, and bundled into one document;
//! - [`diff`]: structural changes between two values, as data, and JSON Patch;
//! - [`leads`]: records grouped by `lead_id`, a lead's state after each record;
//! - [`lint`]: the rules a schema cannot say, their levels, `leadcheck.toml`;
//! - [`render`]: output formats and colour;
//! - [`cli`] and [`run`]: the command line and the commands.
//!
//! The library on its own: a record read, checked, and its violation pinpointed.
//!
//! ```
//! use leadcheck::input::Reader;
//! use leadcheck::schema::Schema;
//! use leadcheck::validate::{Options, Status, check_item};
//!
//! let schema = Schema::bundled().unwrap();
//! let capture = br#"{"lead_id": "153928", "lead_type": "Chat"}"#;
//! let item = Reader::new("capture".into(), &capture[..]).next().unwrap().unwrap();
//! let checked = check_item(&schema, item, Options::default());
//! assert_eq!(checked.status, Status::Invalid);
//! let v = &checked.violations[0];
//! assert_eq!((v.pointer.as_str(), v.at.to_string()), ("/lead_id", "1:13".to_string()));
//! assert_eq!(v.message, r#"expected an integer, found string "153928""#);
//! ```
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod capture;
pub mod cli;
pub mod commands;
pub mod diff;
pub mod error;
pub mod explain;
pub mod fmt;
pub mod input;
pub mod leads;
pub mod lint;
pub mod pipeline;
pub mod position;
pub mod redact;
pub mod render;
pub mod run;
pub mod schema;
pub mod stats;
pub mod suggest;
pub mod summary;
pub mod validate;
