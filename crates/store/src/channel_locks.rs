//! channel locks (to be filled).
