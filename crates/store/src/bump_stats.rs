//! bump stats (to be filled).
