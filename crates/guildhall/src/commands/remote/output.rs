//! Printing results: aligned text tables, or JSON with `--json`.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{RemoteError, RemoteResult};

/// The widest a table cell gets before it is cut, so one long reason does not push every
/// other column off the screen.
const MAX_CELL: usize = 48;

/// A table of text cells under column headings.
#[derive(Debug)]
pub(super) struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(super) fn new(headers: &[&'static str]) -> Self {
        Self {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    pub(super) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.into_iter().map(cut).collect());
    }

    /// The table as lines of text, columns padded to their widest cell.
    pub(super) fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let headers: Vec<String> = self.headers.iter().map(|h| (*h).to_owned()).collect();
        for row in std::iter::once(&headers).chain(&self.rows) {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

fn cut(cell: String) -> String {
    if cell.chars().count() <= MAX_CELL {
        return cell;
    }
    let mut short: String = cell.chars().take(MAX_CELL - 1).collect();
    short.push('…');
    short
}

/// Writes `text` to stdout. A closed pipe (`| head`) is not an error worth reporting.
pub(super) fn emit(text: &str) -> RemoteResult {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(RemoteError::Input(format!(
            "could not write the output: {e}"
        ))),
    }
}

/// Prints `value` as pretty JSON.
pub(super) fn emit_json<T: Serialize + ?Sized>(value: &T) -> RemoteResult {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| RemoteError::Input(format!("could not encode the output as JSON: {e}")))?;
    text.push('\n');
    emit(&text)
}

/// A time as `2026-11-22 01:14` (UTC).
pub(super) fn time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// An optional time, or `-`.
pub(super) fn maybe_time(at: Option<&DateTime<Utc>>) -> String {
    at.map_or_else(|| "-".to_owned(), time)
}

/// An optional text, or `-`.
pub(super) fn maybe(text: Option<&str>) -> String {
    text.map_or_else(|| "-".to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_cut_long_cells() {
        let mut table = Table::new(&["ID", "NAME"]);
        table.row(vec!["1".into(), "short".into()]);
        table.row(vec!["200".into(), "x".repeat(60)]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "ID   NAME");
        assert_eq!(lines[1], "1    short");
        assert!(lines[2].ends_with('…'));
        assert_eq!(lines[2].chars().count(), 5 + MAX_CELL);
    }
}
