//! members (to be filled).
