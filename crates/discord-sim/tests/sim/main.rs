//! Integration tests: the simulator on a real socket (port 0), driven by a raw WebSocket
//! client, reqwest, and the twilight and serenity gateway and HTTP clients.

mod control;
mod dispatches;
mod gateway;
mod oauth;
mod rest;
mod serenity_client;
mod support;
mod twilight;
