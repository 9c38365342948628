//! Moderator note calls.

use guildhall_wire::notes::{Note, NoteCreate, NoteFilter, NoteList, NoteUpdate};

use crate::{Client, Idempotency, Result};

impl Client {
    /// `GET /api/notes`: one page of notes.
    pub async fn list_notes(&self, filter: &NoteFilter) -> Result<NoteList> {
        self.get("/api/notes", Some(filter)).await
    }

    /// `GET /api/notes/{id}`.
    pub async fn note(&self, id: i64) -> Result<Note> {
        self.get::<(), _>(&format!("/api/notes/{id}"), None).await
    }

    /// `POST /api/notes`.
    pub async fn create_note(&self, new: &NoteCreate) -> Result<Note> {
        self.post("/api/notes", new, Idempotency::Unsafe).await
    }

    /// `PUT /api/notes/{id}`: replace the text.
    pub async fn update_note(&self, id: i64, change: &NoteUpdate) -> Result<Note> {
        self.put(&format!("/api/notes/{id}"), change).await
    }

    /// `DELETE /api/notes/{id}`: answers with the note as it was.
    pub async fn delete_note(&self, id: i64) -> Result<Note> {
        self.delete(&format!("/api/notes/{id}")).await
    }
}
