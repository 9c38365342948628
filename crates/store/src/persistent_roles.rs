//! persistent roles (to be filled).
