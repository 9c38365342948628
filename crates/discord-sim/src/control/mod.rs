//! The control API: scripting the world and injecting faults, as Rust methods on
//! [`crate::Simulator`] ([`ops`], [`faults`]) and over HTTP under `/_sim` (`http`).

pub mod faults;
pub(crate) mod http;
pub mod ops;
