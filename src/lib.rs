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
//! - [`position`]: byte offsets ↔ line:column, JSON Pointer → position;
//! - [`schema`]: the bundled schemas, compiled once;
//! - [`validate`]: violations of a record, as data;
//! - [`render`]: output formats and colour;
//! - [`cli`] and [`run`]: the command line and the commands.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod capture;
pub mod cli;
pub mod commands;
pub mod error;
pub mod input;
pub mod position;
pub mod render;
pub mod run;
pub mod schema;
pub mod suggest;
pub mod validate;
