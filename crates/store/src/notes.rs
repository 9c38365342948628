//! Moderator notes: create, read, edit, delete, list by guild, user or moderator.

use guildhall_wire::notes::{Note, NoteCreate, NoteFilter, NoteUpdate};

use crate::db::{
    Filters, Page, PageRequest, bind_args, explain_missing, now_ms, on_read, on_write, to_time,
};
use crate::{Result, Store, StoreError};

macro_rules! columns {
    () => {
        "id, guild_id, user_id, mod_id, content, created_at, updated_at"
    };
}

/// The longest note: Discord's message limit, so a note always fits in one message when the
/// bot shows it.
const MAX_CONTENT_CHARS: usize = 4000;

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    mod_id: i64,
    content: String,
    created_at: i64,
    updated_at: i64,
}

impl From<NoteRow> for Note {
    fn from(row: NoteRow) -> Self {
        Note {
            id: row.id,
            guild_id: row.guild_id,
            user_id: row.user_id,
            mod_id: row.mod_id,
            content: row.content,
            created_at: to_time(row.created_at),
            updated_at: to_time(row.updated_at),
        }
    }
}

fn check_content(content: &str) -> Result<()> {
    if content.trim().is_empty() || content.chars().count() > MAX_CONTENT_CHARS {
        return Err(StoreError::Invalid(format!(
            "content must be 1 to {MAX_CONTENT_CHARS} characters and not only spaces"
        )));
    }
    Ok(())
}

impl Store {
    /// Records a note.
    pub async fn create_note(&self, new: &NoteCreate) -> Result<Note> {
        check_content(&new.content)?;
        let row: std::result::Result<NoteRow, sqlx::Error> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "INSERT INTO notes (guild_id, user_id, mod_id, content, created_at, updated_at) ",
                "VALUES ($1, $2, $3, $4, $5, $5) RETURNING ",
                columns!()
            ))
            .bind(new.guild_id)
            .bind(new.user_id)
            .bind(new.mod_id)
            .bind(&new.content)
            .bind(now_ms())
            .fetch_one(pool)
            .await
        });
        match row {
            Ok(row) => Ok(row.into()),
            Err(e) => Err(explain_missing(
                self,
                e,
                &[
                    ("guild_id", "guilds", Some(new.guild_id)),
                    ("user_id", "discord_users", Some(new.user_id)),
                    ("mod_id", "discord_users", Some(new.mod_id)),
                ],
            )
            .await),
        }
    }

    /// Reads a note.
    pub async fn note(&self, id: i64) -> Result<Note> {
        let row: Option<NoteRow> = on_read!(self, |pool| {
            sqlx::query_as(concat!("SELECT ", columns!(), " FROM notes WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("note"))
    }

    /// Replaces a note's text.
    pub async fn update_note(&self, id: i64, change: &NoteUpdate) -> Result<Note> {
        check_content(&change.content)?;
        let row: Option<NoteRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "UPDATE notes SET content = $2, updated_at = $3 WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .bind(&change.content)
            .bind(now_ms())
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("note"))
    }

    /// Deletes a note and returns it as it was.
    pub async fn delete_note(&self, id: i64) -> Result<Note> {
        let row: Option<NoteRow> = on_write!(self, |pool| {
            sqlx::query_as(concat!(
                "DELETE FROM notes WHERE id = $1 RETURNING ",
                columns!()
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(Into::into).ok_or(StoreError::NotFound("note"))
    }

    /// Lists notes, oldest first.
    pub async fn list_notes(&self, filter: &NoteFilter) -> Result<Page<Note>> {
        let page = PageRequest::new(filter.cursor.as_deref(), filter.limit)?;
        let mut filters = Filters::new();
        filters.eq_int("guild_id", filter.guild_id);
        filters.eq_int("user_id", filter.user_id);
        filters.eq_int("mod_id", filter.mod_id);
        let (sql, args) = filters.page_sql(&page);
        let sql = format!("SELECT {} FROM notes{sql}", columns!());
        let rows: Vec<NoteRow> = on_read!(self, |pool| {
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), args)
                .fetch_all(pool)
                .await
        })?;
        Ok(page.finish(rows, |r| r.id, Into::into))
    }
}
