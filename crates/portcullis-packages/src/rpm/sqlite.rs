//! A minimal read-only SQLite 3 reader: enough to walk one table b-tree and
//! take one column of each row. Facts from the SQLite file format
//! documentation (<https://www.sqlite.org/fileformat2.html>):
//!
//! - The 100-byte file header: magic `"SQLite format 3\0"`; page size u16 BE
//!   at 16 (1 means 65536; a power of two from 512); reserved bytes per page
//!   at 20 (usable size U = page size − reserved); file change counter at 24,
//!   the database size in pages at 28 (valid only when the counter equals
//!   the "version-valid-for" number at 92).
//! - Pages are numbered from 1; page 1 holds the header, then the root of
//!   `sqlite_schema` (type, name, tbl_name, rootpage, sql).
//! - B-tree page header (at 100 on page 1, 0 elsewhere): type (0x05 table
//!   interior, 0x0d table leaf, 0x02/0x0a index), first freeblock u16, cell
//!   count u16, content start u16, fragmented bytes u8, right-most child u32
//!   (interior pages only); then the cell pointer array (u16 offsets from the
//!   page's start).
//! - Table interior cell: left child u32, rowid varint. Table leaf cell:
//!   payload length varint, rowid varint, the payload's local part, then a
//!   u32 first overflow page when it spills. Local part: X = U − 35; if
//!   P ≤ X all of it, else M = (U − 12)·32/255 − 23, K = M + (P − M) mod (U − 4),
//!   K if K ≤ X else M. Overflow page: next page u32, then U − 4 bytes.
//! - Varint: 1–9 bytes big-endian, 7 bits each with the high bit saying
//!   "more", the ninth byte all 8 bits.
//! - Record: header length varint (counting itself), a serial type varint per
//!   column, then the values: 0 NULL, 1–6 integers of 1, 2, 3, 4, 6, 8 bytes,
//!   7 a float, 8/9 the integers 0/1, N ≥ 12 even a blob of (N − 12)/2 bytes,
//!   N ≥ 13 odd a text of (N − 13)/2 bytes.
//!
//! rpm's `Packages` table is `(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob
//! BLOB NOT NULL)` (rpm `lib/backend/sqlite.c`): `hnum` aliases the rowid
//! (stored as NULL in the record), `blob` is the header.

use super::{Notes, PageSet};

pub const MAGIC: &[u8] = b"SQLite format 3\0";

/// How deep a b-tree may be (SQLite's own limit is 20; a deeper one is a
/// loop or a lie).
const MAX_DEPTH: usize = 40;
/// Columns read from a record header, at most.
const MAX_COLUMNS: usize = 2000;

pub fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(i)?;
        if i == 8 {
            return Some(((v << 8) | u64::from(byte), 9));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_be_bytes([s[0], s[1]])))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// One column's value in a record.
#[derive(Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Float,
    Blob(&'a [u8]),
    Text(&'a [u8]),
}

/// The columns of a record (at most [`MAX_COLUMNS`]); `None` when the
/// record's header or values run past its end.
pub fn record(payload: &[u8]) -> Option<Vec<Value<'_>>> {
    let (header_len, mut at) = varint(payload)?;
    let header_len = usize::try_from(header_len).ok()?;
    if header_len > payload.len() || header_len < at {
        return None;
    }
    let mut body = header_len;
    let mut out = Vec::new();
    while at < header_len && out.len() < MAX_COLUMNS {
        let (serial, n) = varint(payload.get(at..header_len)?)?;
        at += n;
        let size: usize = match serial {
            0 | 8 | 9 => 0,
            1 => 1,
            2 => 2,
            3 => 3,
            4 => 4,
            5 => 6,
            6 | 7 => 8,
            10 | 11 => return None,
            n => usize::try_from((n - 12) / 2).ok()?,
        };
        let end = body.checked_add(size)?;
        let bytes = payload.get(body..end)?;
        body = end;
        out.push(match serial {
            0 => Value::Null,
            1..=6 => Value::Int(int(bytes)),
            7 => Value::Float,
            8 => Value::Int(0),
            9 => Value::Int(1),
            n if n % 2 == 0 => Value::Blob(bytes),
            _ => Value::Text(bytes),
        });
    }
    Some(out)
}

fn int(bytes: &[u8]) -> i64 {
    let neg = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let mut v: i64 = if neg { -1 } else { 0 };
    for &b in bytes {
        v = (v << 8) | i64::from(b);
    }
    v
}

/// A database file, its pages checked against its header.
pub struct Db<'a> {
    bytes: &'a [u8],
    page_size: usize,
    usable: usize,
    pages: usize,
    /// Overflow pages already read, all payloads together: each belongs
    /// to one payload, so a page read twice is a loop or a chain shared by
    /// cells (a hostile file multiplying the work).
    overflow_seen: PageSet,
    /// Payload bytes still to be copied from cells' local parts, all walks
    /// together: twice the file (each byte of a legitimate file is one
    /// cell's, once); cells sharing bytes stop the walk when it runs out.
    copy_budget: usize,
    /// A walk stopped for good (the budget ran out, or the consumer said so).
    stopped: bool,
}

impl<'a> Db<'a> {
    pub fn open(bytes: &'a [u8], notes: &mut Notes) -> Option<Db<'a>> {
        if !bytes.starts_with(MAGIC) || bytes.len() < 100 {
            notes.push("not an SQLite 3 database".to_owned());
            return None;
        }
        let page_size = match be16(bytes, 16)? {
            1 => 65536,
            n if (512..=32768).contains(&n) && n.is_power_of_two() => n,
            n => {
                notes.push(format!("SQLite page size {n} is not a valid one"));
                return None;
            }
        };
        let reserved = usize::from(*bytes.get(20)?);
        let usable = page_size - reserved;
        if usable < 480 {
            notes.push(format!(
                "SQLite usable page size {usable} is below the format's minimum of 480"
            ));
            return None;
        }
        let in_file = bytes.len() / page_size;
        let mut pages = in_file;
        if !bytes.len().is_multiple_of(page_size) {
            notes.push(format!(
                "the file's {} bytes are not a whole number of {page_size}-byte pages (truncated)",
                bytes.len()
            ));
        }
        let counter = be32(bytes, 24)?;
        let valid_for = be32(bytes, 92)?;
        let claimed = be32(bytes, 28)? as usize;
        if claimed != 0 && counter == valid_for {
            if claimed > in_file {
                notes.push(format!(
                    "the SQLite header says {claimed} pages, the file holds {in_file}: truncated or lying, reading what is there"
                ));
            } else {
                pages = claimed;
            }
        }
        Some(Db {
            bytes,
            page_size,
            usable,
            pages,
            overflow_seen: PageSet::new(pages + 1),
            copy_budget: bytes.len().saturating_mul(2),
            stopped: false,
        })
    }

    pub fn pages(&self) -> usize {
        self.pages
    }

    fn page(&self, n: u32) -> Option<&'a [u8]> {
        let n = n as usize;
        if n == 0 || n > self.pages {
            return None;
        }
        let start = (n - 1).checked_mul(self.page_size)?;
        self.bytes.get(start..start.checked_add(self.page_size)?)
    }

    /// Every row of the table b-tree rooted at `root`, in rowid order:
    /// `each(rowid, payload)`, which returns `false` to stop. Problems are
    /// notes; the walk goes on with what it can reach.
    pub fn table(
        &mut self,
        root: u32,
        notes: &mut Notes,
        each: &mut dyn FnMut(i64, &[u8]) -> bool,
    ) {
        let mut seen = PageSet::new(self.pages + 1);
        // (page, depth), depth-first, children pushed in reverse so that
        // rows come out in order.
        let mut stack = vec![(root, 0usize)];
        let mut payload = Vec::new();
        while let Some((n, depth)) = stack.pop() {
            if self.stopped {
                return;
            }
            let Some(page) = self.page(n) else {
                notes.push(format!(
                    "b-tree page {n} is outside the file's {} pages",
                    self.pages
                ));
                continue;
            };
            if !seen.insert(n as usize) {
                notes.push(format!("b-tree page {n} is reached twice (a loop)"));
                continue;
            }
            if depth > MAX_DEPTH {
                notes.push(format!("the b-tree is deeper than {MAX_DEPTH} at page {n}"));
                continue;
            }
            let h = if n == 1 { 100 } else { 0 };
            let (Some(&kind), Some(cells)) = (page.get(h), be16(page, h + 3)) else {
                notes.push(format!("page {n} has no b-tree header"));
                continue;
            };
            let pointers = match kind {
                0x0d => h + 8,
                0x05 => h + 12,
                _ => {
                    notes.push(format!(
                        "page {n} is not a table b-tree page (type {kind:#04x})"
                    ));
                    continue;
                }
            };
            if pointers + 2 * cells > page.len() {
                notes.push(format!("page {n} claims {cells} cells, more than fit"));
                continue;
            }
            if kind == 0x05 {
                let mut children = Vec::with_capacity(cells + 1);
                for i in 0..cells {
                    match be16(page, pointers + 2 * i).and_then(|off| be32(page, off)) {
                        Some(child) => children.push(child),
                        None => notes.push(format!("page {n}: cell {i} points outside the page")),
                    }
                }
                if let Some(right) = be32(page, h + 8) {
                    children.push(right);
                }
                stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
                continue;
            }
            for i in 0..cells {
                let cell = be16(page, pointers + 2 * i).and_then(|off| page.get(off..));
                let Some(cell) = cell else {
                    notes.push(format!("page {n}: cell {i} points outside the page"));
                    continue;
                };
                match self.leaf_cell(cell, &mut payload) {
                    Ok(rowid) => {
                        if !each(rowid, &payload) {
                            self.stopped = true;
                        }
                    }
                    Err(e) => notes.push(format!("page {n}, cell {i}: {e}")),
                }
                if self.stopped {
                    return;
                }
            }
        }
    }

    /// A table leaf cell's payload, its overflow chain followed, into `out`.
    fn leaf_cell(&mut self, cell: &[u8], out: &mut Vec<u8>) -> Result<i64, String> {
        out.clear();
        let bad = || "the cell is cut".to_owned();
        let (p, a) = varint(cell).ok_or_else(bad)?;
        let (rowid, b) = varint(cell.get(a..).ok_or_else(bad)?).ok_or_else(bad)?;
        let start = a + b;
        if p > self.bytes.len() as u64 {
            return Err(format!("a payload of {p} bytes is larger than the file"));
        }
        let p = p as usize;
        let u = self.usable;
        let x = u - 35;
        let local = if p <= x {
            p
        } else {
            let m = (u - 12) * 32 / 255 - 23;
            let k = m + (p - m) % (u - 4);
            if k <= x {
                k
            } else {
                m
            }
        };
        if local > self.copy_budget {
            self.stopped = true;
            return Err(
                "cells share their bytes (more copied than twice the file): stopped".to_owned(),
            );
        }
        self.copy_budget -= local;
        out.extend_from_slice(cell.get(start..start + local).ok_or_else(bad)?);
        if local == p {
            return Ok(rowid as i64);
        }
        let mut next = be32(cell, start + local).ok_or_else(bad)?;
        while out.len() < p {
            if next != 0 && !self.overflow_seen.insert(next as usize) {
                return Err(format!(
                    "overflow page {next} is reached twice (a loop, or a chain shared by cells)"
                ));
            }
            let page = self.page(next).ok_or_else(|| {
                format!(
                    "overflow page {next} is outside the file's {} pages ({} of {p} bytes read)",
                    self.pages,
                    out.len()
                )
            })?;
            let want = (p - out.len()).min(u - 4);
            out.extend_from_slice(page.get(4..4 + want).ok_or_else(bad)?);
            next = be32(page, 0).ok_or_else(bad)?;
        }
        Ok(rowid as i64)
    }
}

/// The root page of table `name` and its `CREATE TABLE` text, from
/// `sqlite_schema` (rooted at page 1).
pub fn find_table(db: &mut Db<'_>, name: &str, notes: &mut Notes) -> Option<(u32, String)> {
    let mut found = None;
    db.table(1, notes, &mut |_, payload| {
        let Some(cols) = record(payload) else {
            return true;
        };
        if let (Some(Value::Text(b"table")), Some(Value::Text(n)), Some(Value::Int(root))) =
            (cols.first(), cols.get(1), cols.get(3))
        {
            if n.eq_ignore_ascii_case(name.as_bytes()) {
                let sql = match cols.get(4) {
                    Some(Value::Text(s)) => String::from_utf8_lossy(s).into_owned(),
                    _ => String::new(),
                };
                if let Ok(root) = u32::try_from(*root) {
                    found = Some((root, sql));
                    return false;
                }
            }
        }
        true
    });
    found
}

/// The position of column `column` in a `CREATE TABLE name (a ..., b ...)`
/// statement, by its name (the first word of each comma-separated column
/// definition at the outermost parenthesis).
pub fn column_index(sql: &str, column: &str) -> Option<usize> {
    let open = sql.find('(')?;
    let body = sql.get(open + 1..)?;
    let mut depth = 0usize;
    let mut index = 0usize;
    let mut start = 0usize;
    for (i, c) in body.char_indices() {
        let end_of_def = match c {
            '(' => {
                depth += 1;
                false
            }
            ')' if depth == 0 => true,
            ')' => {
                depth -= 1;
                false
            }
            ',' if depth == 0 => true,
            _ => false,
        };
        if end_of_def {
            let def = body.get(start..i)?.trim();
            let first = def
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']');
            if first.eq_ignore_ascii_case(column) {
                return Some(index);
            }
            if c == ')' {
                return None;
            }
            index += 1;
            start = i + 1;
        }
    }
    None
}

/// Every rpm header in an `rpmdb.sqlite`: the `blob` column of the
/// `Packages` table.
pub fn headers(bytes: &[u8], notes: &mut Notes, emit: &mut dyn FnMut(&[u8]) -> bool) {
    let Some(mut db) = Db::open(bytes, notes) else {
        return;
    };
    let found = find_table(&mut db, "Packages", notes);
    // Finding the table stops the schema's walk on purpose: go on.
    db.stopped = false;
    let Some((root, sql)) = found else {
        notes.push("the SQLite database has no Packages table".to_owned());
        return;
    };
    let column = column_index(&sql, "blob").unwrap_or(1);
    let mut bad_rows = 0usize;
    db.table(root, notes, &mut |_, payload| match record(payload) {
        Some(cols) => match cols.get(column) {
            Some(Value::Blob(b)) => emit(b),
            _ => {
                bad_rows += 1;
                true
            }
        },
        None => {
            bad_rows += 1;
            true
        }
    });
    if bad_rows > 0 {
        notes.push(format!(
            "{bad_rows} rows of the Packages table hold no header blob"
        ));
    }
}
