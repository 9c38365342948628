//! command usage (to be filled).
