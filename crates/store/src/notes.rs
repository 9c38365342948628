//! notes (to be filled).
