//! temporary roles (to be filled).
