//! Integration tests: the simulator on a real socket (port 0), driven by a raw WebSocket
//! client, reqwest, and the twilight gateway and HTTP crates.

mod dispatches;
mod gateway;
mod oauth;
mod rest;
mod support;
mod twilight;
