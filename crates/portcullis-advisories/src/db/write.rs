//! A [`Store`] to the bytes of a database file ([`super::format`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::format::*;
use super::store::Entry;
use super::{normalize_name, AffectedEntry, Counts, DbError, Meta, RangeKind, Record, Severity};
use super::{Store, Timestamp};

struct Strings<'s> {
    ids: HashMap<&'s str, u32>,
}

impl<'s> Strings<'s> {
    fn id(&self, s: &str) -> u32 {
        // Every string was collected before the ids were given out.
        self.ids.get(s).copied().unwrap_or(0)
    }

    fn put(&self, out: &mut Vec<u8>, s: &str) {
        put_varint(out, u64::from(self.id(s)));
    }

    fn put_list(&self, out: &mut Vec<u8>, list: &[String]) {
        put_varint(out, list.len() as u64);
        for s in list {
            self.put(out, s);
        }
    }

    fn put_opt(&self, out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => {
                out.push(1);
                self.put(out, s);
            }
            None => out.push(0),
        }
    }

    fn put_severity(&self, out: &mut Vec<u8>, list: &[Severity]) {
        put_varint(out, list.len() as u64);
        for s in list {
            self.put(out, &s.kind);
            self.put(out, &s.score);
        }
    }
}

fn put_time(out: &mut Vec<u8>, t: Timestamp) {
    put_svarint(out, t.secs);
    put_varint(out, u64::from(t.nanos));
}

fn put_opt_bytes(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_bytes(out, s.as_bytes());
        }
        None => out.push(0),
    }
}

fn offset(len: usize, what: &str) -> Result<u32, DbError> {
    u32::try_from(len)
        .map_err(|_| DbError::new(format!("the database is too large ({what} over 4 GiB)")))
}

/// One record's text, raw (see [`super::format`]): `shared` is where an
/// earlier record's identical details are (record, offset, length in its
/// text). Returns where this record's own details are in `out`.
fn put_text(
    out: &mut Vec<u8>,
    record: &Record,
    shared: Option<(u32, usize, usize)>,
) -> Option<(usize, usize)> {
    let mut own = None;
    match (record.details.as_deref(), shared) {
        (None, _) => out.push(0),
        (Some(_), Some((holder, at, len))) => {
            out.push(2);
            put_varint(out, u64::from(holder));
            put_varint(out, at as u64);
            put_varint(out, len as u64);
        }
        (Some(d), None) => {
            out.push(1);
            put_varint(out, d.len() as u64);
            own = Some((out.len(), d.len()));
            out.extend_from_slice(d.as_bytes());
        }
    }
    put_opt_bytes(out, record.database_specific.as_deref());
    put_varint(out, record.references.len() as u64);
    for (kind, url) in &record.references {
        put_bytes(out, kind.as_bytes());
        put_bytes(out, url.as_bytes());
    }
    own
}

fn has_text(r: &Record) -> bool {
    r.details.is_some() || r.database_specific.is_some() || !r.references.is_empty()
}

/// One record's display text, raw (see [`super::format`]): what a finding
/// shows, in its own small frame so that matching reads only that.
fn put_display(out: &mut Vec<u8>, record: &Record) {
    put_opt_bytes(out, record.summary.as_deref());
    let blank = record
        .summary
        .as_deref()
        .is_none_or(|s| s.trim().is_empty());
    let sentence = record
        .details
        .as_deref()
        .filter(|_| blank)
        .and_then(crate::matching::first_sentence);
    put_opt_bytes(out, sentence.as_deref());
    put_opt_bytes(out, crate::matching::reference_url(&record.references));
}

fn has_display(r: &Record) -> bool {
    r.summary.is_some() || r.details.is_some() || !r.references.is_empty()
}

/// About this much of the records' text is sampled to train the dictionary
/// (zstd's advice: about a hundred times the dictionary's size).
const DICT_SAMPLE: usize = 100 * TEXT_DICT_LEN;
/// Less text than this is compressed without a dictionary (one would not
/// pay for its own bytes).
const DICT_MIN_TEXT: usize = 4 << 20;
/// Records whose text is compressed together (spread over the threads).
const TEXT_BATCH: usize = 8192;

/// The dictionary for `records`' text, trained on an even sample of it;
/// empty for little text, or if training fails (the frames then use none).
fn train_dictionary(records: &[&Record]) -> Vec<u8> {
    let approximate = |r: &Record| {
        r.summary.as_ref().map_or(0, String::len)
            + r.details.as_ref().map_or(0, String::len)
            + r.database_specific.as_ref().map_or(0, String::len)
            + r.references
                .iter()
                .map(|(k, u)| k.len() + u.len() + 2)
                .sum::<usize>()
            + 4
    };
    let total: usize = records.iter().map(|r| approximate(r)).sum();
    if total < DICT_MIN_TEXT {
        return Vec::new();
    }
    let stride = total.div_ceil(DICT_SAMPLE).max(1);
    let (mut sample, mut sizes) = (Vec::with_capacity(DICT_SAMPLE + 4096), Vec::new());
    for r in records.iter().step_by(stride) {
        if has_text(r) {
            let start = sample.len();
            put_text(&mut sample, r, None);
            sizes.push(sample.len() - start);
        }
        if has_display(r) {
            let start = sample.len();
            put_display(&mut sample, r);
            sizes.push(sample.len() - start);
        }
    }
    let len = TEXT_DICT_LEN.min(sample.len() / 64);
    zstd::dict::from_continuous(&sample, &sizes, len).unwrap_or_default()
}

/// Every record's text and display text compressed, one frame each:
/// (dictionary, frames, each record's (offset, length) in the frames, its
/// text's then its display text's).
struct Text {
    dict: Vec<u8>,
    data: Vec<u8>,
    frames: Vec<(u64, u64)>,
}

fn compressor(dict: &[u8]) -> Result<zstd::bulk::Compressor<'static>, DbError> {
    use zstd::zstd_safe::CParameter;
    let bad = |e: std::io::Error| DbError::new(format!("compressing record text: {e}"));
    let mut c = zstd::bulk::Compressor::with_dictionary(TEXT_LEVEL, dict).map_err(bad)?;
    for p in [
        CParameter::ChecksumFlag(true),
        CParameter::ContentSizeFlag(true),
        CParameter::DictIdFlag(false),
    ] {
        c.set_parameter(p).map_err(bad)?;
    }
    Ok(c)
}

/// Compressed frames one after another, and each frame's length.
type Frames = (Vec<u8>, Vec<usize>);

/// Compresses each raw text (`spans` of `raw`) into its own frame, without
/// the magic number, appending them to `data`; their (offset, length) to
/// `frames`. Spread over the compressors, a thread each.
fn compress_batch(
    compressors: &mut [zstd::bulk::Compressor<'static>],
    raw: &[u8],
    spans: &[(usize, usize)],
    data: &mut Vec<u8>,
    frames: &mut Vec<(u64, u64)>,
) -> Result<(), DbError> {
    let per = spans.len().div_ceil(compressors.len()).max(1);
    // Each thread's frames, and the length of each.
    let parts: Vec<Result<Frames, DbError>> = std::thread::scope(|s| {
        let handles: Vec<_> = compressors
            .iter_mut()
            .zip(spans.chunks(per))
            .map(|(c, chunk)| {
                s.spawn(move || -> Result<Frames, DbError> {
                    let (mut out, mut lens) = (Vec::new(), Vec::with_capacity(chunk.len()));
                    let mut frame = Vec::new();
                    for &(at, len) in chunk {
                        if len == 0 {
                            lens.push(0);
                            continue;
                        }
                        frame.clear();
                        frame.reserve(zstd::zstd_safe::compress_bound(len));
                        c.compress_to_buffer(&raw[at..at + len], &mut frame)
                            .map_err(|e| DbError::new(format!("compressing record text: {e}")))?;
                        let body = frame.get(ZSTD_MAGIC.len()..).unwrap_or_default();
                        out.extend_from_slice(body);
                        lens.push(body.len());
                    }
                    Ok((out, lens))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(DbError::new("a text compression thread failed")))
            })
            .collect()
    });
    for part in parts {
        let (out, lens) = part?;
        let mut at = data.len() as u64;
        for len in lens {
            frames.push(if len == 0 { (0, 0) } else { (at, len as u64) });
            at += len as u64;
        }
        data.extend_from_slice(&out);
    }
    Ok(())
}

fn encode_text(records: &[&Record]) -> Result<Text, DbError> {
    let dict = train_dictionary(records);
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4);
    let mut compressors = (0..threads)
        .map(|_| compressor(&dict))
        .collect::<Result<Vec<_>, _>>()?;
    let mut data = Vec::new();
    let mut frames = Vec::with_capacity(2 * records.len());
    // Details already written (distribution records of one CVE carry the
    // same description): (record, offset, length) in its text.
    let mut details: HashMap<&str, (u32, usize, usize)> = HashMap::new();
    let (mut raw, mut spans) = (Vec::new(), Vec::with_capacity(2 * TEXT_BATCH));
    for (b, batch) in records.chunks(TEXT_BATCH).enumerate() {
        raw.clear();
        spans.clear();
        for (i, r) in batch.iter().enumerate() {
            let start = raw.len();
            if has_display(r) {
                put_display(&mut raw, r);
            }
            spans.push((start, raw.len() - start));
            if !has_text(r) {
                spans.push((raw.len(), 0));
                continue;
            }
            let index = offset(b * TEXT_BATCH + i, "records")?;
            let shared = r
                .details
                .as_deref()
                .filter(|d| d.len() > 16)
                .and_then(|d| details.get(d).copied());
            let start = raw.len();
            if let (Some(d), Some((at, len))) =
                (r.details.as_deref(), put_text(&mut raw, r, shared))
            {
                if d.len() > 16 {
                    details.insert(d, (index, at - start, len));
                }
            }
            spans.push((start, raw.len() - start));
        }
        compress_batch(&mut compressors, &raw, &spans, &mut data, &mut frames)?;
    }
    offset(data.len(), "record text")?;
    Ok(Text { dict, data, frames })
}

struct Placed<'s> {
    ecosystem: &'s str,
    name: Cow<'s, str>,
    record: u32,
    position: u32,
    entry: &'s AffectedEntry,
}

pub(crate) fn encode(store: &Store) -> Result<(Vec<u8>, Meta), DbError> {
    let mut records: Vec<&Record> = store.records().collect();
    records.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let mut withdrawn: Vec<(&str, Timestamp)> = store
        .records
        .iter()
        .filter_map(|(id, e)| match e {
            Entry::Withdrawn(t) => Some((id.as_str(), *t)),
            Entry::Live(_) => None,
        })
        .collect();
    withdrawn.sort_unstable();
    let mut placed = Vec::new();
    for (index, record) in records.iter().enumerate() {
        for (position, entry) in record.affected.iter().enumerate() {
            placed.push(Placed {
                ecosystem: &entry.ecosystem,
                name: normalize_name(&entry.ecosystem, &entry.name),
                record: offset(index, "records")?,
                position: offset(position, "affected entries")?,
                entry,
            });
        }
    }
    let kev: Vec<(&super::KevEntry, String)> = store
        .kev
        .iter()
        .flat_map(|k| k.values())
        .map(|e| (e, e.cwes.join(",")))
        .collect();

    // The words of each record's `database_specific` that matching reads.
    let facts: Vec<Option<String>> = records
        .iter()
        .map(|r| {
            r.database_specific
                .as_deref()
                .and_then(crate::matching::record_facts)
        })
        .collect();
    // The string table: every string the tables and blobs refer to.
    let mut set: HashSet<&str> = HashSet::new();
    for f in facts.iter().flatten() {
        set.insert(f);
    }
    for r in &records {
        set.insert(&r.id);
        for s in r.aliases.iter().chain(&r.upstream).chain(&r.related) {
            set.insert(s);
        }
        for s in &r.severity {
            set.insert(&s.kind);
            set.insert(&s.score);
        }
    }
    for p in &placed {
        set.insert(p.ecosystem);
        set.insert(&p.name);
        let e = p.entry;
        set.insert(&e.name);
        for range in &e.ranges {
            if let Some(repo) = &range.repo {
                set.insert(repo);
            }
            for (_, v) in &range.events {
                set.insert(v);
            }
        }
        for v in &e.versions {
            set.insert(v);
        }
        for s in [&e.ecosystem_specific, &e.database_specific]
            .into_iter()
            .flatten()
        {
            set.insert(s);
        }
        for s in &e.severity {
            set.insert(&s.kind);
            set.insert(&s.score);
        }
    }
    for (id, _) in &withdrawn {
        set.insert(id);
    }
    for (e, cwes) in &kev {
        for s in [
            &e.cve,
            &e.vendor,
            &e.product,
            &e.name,
            &e.date_added,
            &e.short_description,
            &e.required_action,
            &e.due_date,
            &e.notes,
            cwes,
        ] {
            set.insert(s);
        }
    }
    let mut sorted: Vec<&str> = set.into_iter().collect();
    sorted.sort_unstable();
    let mut ids = HashMap::with_capacity(sorted.len());
    for (i, s) in sorted.iter().enumerate() {
        ids.insert(*s, offset(i, "strings")?);
    }
    let (mut str_index, mut str_data, mut str_keys) = (Vec::new(), Vec::new(), Vec::new());
    let mut raw = Vec::new();
    for block in sorted.chunks(STRINGS_PER_BLOCK) {
        raw.clear();
        raw.extend_from_slice(&(block.len() as u32).to_le_bytes());
        let mut at = 0usize;
        for s in block {
            raw.extend_from_slice(&offset(at, "a string block")?.to_le_bytes());
            at += s.len();
        }
        raw.extend_from_slice(&offset(at, "a string block")?.to_le_bytes());
        for s in block {
            raw.extend_from_slice(s.as_bytes());
        }
        let compressed = zstd::bulk::compress(&raw, STRING_LEVEL)
            .map_err(|e| DbError::new(format!("compressing strings: {e}")))?;
        for v in [
            offset(str_data.len(), "strings")?,
            offset(compressed.len(), "a string block")?,
            offset(raw.len(), "a string block")?,
            offset(str_keys.len(), "string keys")?,
            offset(block[0].len(), "a string")?,
        ] {
            str_index.extend_from_slice(&v.to_le_bytes());
        }
        str_data.extend_from_slice(&compressed);
        str_keys.extend_from_slice(block[0].as_bytes());
    }
    let strings = Strings { ids };

    // Records, their text, the alias index.
    let mut record_index = Vec::with_capacity(records.len() * 8);
    let mut record_data = Vec::new();
    let text = encode_text(&records)?;
    let mut aliases: Vec<(u32, u32)> = Vec::new();
    for (index, r) in records.iter().enumerate() {
        let index = offset(index, "records")?;
        record_index.extend_from_slice(&strings.id(&r.id).to_le_bytes());
        record_index.extend_from_slice(&offset(record_data.len(), "records")?.to_le_bytes());
        let out = &mut record_data;
        // Its text's frame, then its display text's (written in the other
        // order).
        for k in [1, 0] {
            let (at, len) = text
                .frames
                .get(2 * index as usize + k)
                .copied()
                .unwrap_or((0, 0));
            put_varint(out, at);
            put_varint(out, len);
        }
        put_time(out, r.modified);
        match r.published {
            Some(t) => {
                out.push(1);
                put_time(out, t);
            }
            None => out.push(0),
        }
        strings.put_list(out, &r.aliases);
        strings.put_list(out, &r.upstream);
        strings.put_list(out, &r.related);
        strings.put_severity(out, &r.severity);
        put_varint(out, r.affected.len() as u64);
        // The words of `database_specific` matching reads, with the record
        // (not in its text).
        strings.put_opt(out, facts[index as usize].as_deref());
        for key in std::iter::once(&r.id).chain(&r.aliases).chain(&r.upstream) {
            aliases.push((strings.id(key), index));
        }
    }
    aliases.sort_unstable();
    aliases.dedup();

    // Affected entries, grouped by package, packages by ecosystem.
    let mut keyed: Vec<(u32, u32, u32, u32, usize)> = placed
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                strings.id(p.ecosystem),
                strings.id(&p.name),
                p.record,
                p.position,
                i,
            )
        })
        .collect();
    keyed.sort_unstable();
    let mut affected = Vec::new();
    let mut packages: Vec<u8> = Vec::new();
    let mut ecosystems: Vec<u8> = Vec::new();
    let (mut package_count, mut ecosystem_count) = (0u32, 0u32);
    let mut current: Option<(u32, u32)> = None;
    let mut package_start = (0usize, 0u32);
    let mut ecosystem_start: Option<(u32, u32)> = None;
    let close_package =
        |packages: &mut Vec<u8>, name: u32, start: (usize, u32), end: u32| -> Result<(), DbError> {
            packages.extend_from_slice(&name.to_le_bytes());
            packages.extend_from_slice(&offset(start.0, "affected entries")?.to_le_bytes());
            packages.extend_from_slice(&(end - start.1).to_le_bytes());
            Ok(())
        };
    for (n, &(eco, name, record, position, i)) in keyed.iter().enumerate() {
        let n = offset(n, "affected entries")?;
        if current != Some((eco, name)) {
            if let Some((_, prev_name)) = current {
                close_package(&mut packages, prev_name, package_start, n)?;
                package_count += 1;
            }
            if ecosystem_start.map(|(e, _)| e) != Some(eco) {
                if let Some((prev_eco, first)) = ecosystem_start {
                    ecosystems.extend_from_slice(&prev_eco.to_le_bytes());
                    ecosystems.extend_from_slice(&first.to_le_bytes());
                    ecosystems.extend_from_slice(&(package_count - first).to_le_bytes());
                    ecosystem_count += 1;
                }
                ecosystem_start = Some((eco, package_count));
            }
            current = Some((eco, name));
            package_start = (affected.len(), n);
        }
        let e = placed[i].entry;
        let out = &mut affected;
        put_varint(out, u64::from(record));
        put_varint(out, u64::from(position));
        strings.put(out, &e.name);
        put_varint(out, e.ranges.len() as u64);
        for range in &e.ranges {
            out.push(match range.kind {
                RangeKind::Semver => 0,
                RangeKind::Ecosystem => 1,
                RangeKind::Git => 2,
            });
            strings.put_opt(out, range.repo.as_deref());
            put_varint(out, range.events.len() as u64);
            for (kind, value) in &range.events {
                out.push(kind.code());
                strings.put(out, value);
            }
        }
        strings.put_list(out, &e.versions);
        strings.put_opt(out, e.ecosystem_specific.as_deref());
        strings.put_opt(out, e.database_specific.as_deref());
        strings.put_severity(out, &e.severity);
    }
    if let Some((_, name)) = current {
        close_package(
            &mut packages,
            name,
            package_start,
            offset(keyed.len(), "affected entries")?,
        )?;
        package_count += 1;
    }
    if let Some((eco, first)) = ecosystem_start {
        ecosystems.extend_from_slice(&eco.to_le_bytes());
        ecosystems.extend_from_slice(&first.to_le_bytes());
        ecosystems.extend_from_slice(&(package_count - first).to_le_bytes());
        ecosystem_count += 1;
    }

    let mut alias_bytes = Vec::with_capacity(aliases.len() * 8);
    for (key, record) in &aliases {
        alias_bytes.extend_from_slice(&key.to_le_bytes());
        alias_bytes.extend_from_slice(&record.to_le_bytes());
    }
    let mut withdrawn_bytes = Vec::with_capacity(withdrawn.len() * 16);
    for (id, t) in &withdrawn {
        withdrawn_bytes.extend_from_slice(&strings.id(id).to_le_bytes());
        withdrawn_bytes.extend_from_slice(&t.nanos.to_le_bytes());
        withdrawn_bytes.extend_from_slice(&t.secs.to_le_bytes());
    }
    let mut kev_bytes = Vec::with_capacity(kev.len() * 44);
    for (e, cwes) in &kev {
        for s in [
            &e.cve,
            &e.vendor,
            &e.product,
            &e.name,
            &e.date_added,
            &e.short_description,
            &e.required_action,
            &e.due_date,
            &e.notes,
            cwes,
        ] {
            kev_bytes.extend_from_slice(&strings.id(s).to_le_bytes());
        }
        kev_bytes.extend_from_slice(&u32::from(e.known_ransomware).to_le_bytes());
    }
    let mut epss: Vec<(u64, (f32, f32))> = store
        .epss
        .iter()
        .flat_map(|m| m.iter().map(|(k, v)| (*k, *v)))
        .collect();
    epss.sort_unstable_by_key(|(k, _)| *k);
    let mut epss_bytes = Vec::with_capacity(epss.len() * 16);
    for (key, (score, percentile)) in &epss {
        epss_bytes.extend_from_slice(&key.to_le_bytes());
        epss_bytes.extend_from_slice(&score.to_le_bytes());
        epss_bytes.extend_from_slice(&percentile.to_le_bytes());
    }

    let meta = Meta {
        built_at: u64::try_from(Timestamp::now().secs).unwrap_or(0),
        sources: store.sources.clone(),
        counts: Counts {
            records: records.len() as u64,
            withdrawn: withdrawn.len() as u64,
            affected: keyed.len() as u64,
            packages: u64::from(package_count),
            ecosystems: u64::from(ecosystem_count),
            kev: kev.len() as u64,
            epss: epss.len() as u64,
            strings: sorted.len() as u64,
        },
    };
    let meta_bytes = serde_json::to_vec(&meta)
        .map_err(|e| DbError::new(format!("writing the database's metadata: {e}")))?;

    let sections: [(u32, &[u8]); SECTION_COUNT as usize] = [
        (META, &meta_bytes),
        (STR_INDEX, &str_index),
        (STR_DATA, &str_data),
        (RECORD_INDEX, &record_index),
        (RECORDS, &record_data),
        (ECOSYSTEMS, &ecosystems),
        (PACKAGES, &packages),
        (AFFECTED, &affected),
        (ALIASES, &alias_bytes),
        (WITHDRAWN, &withdrawn_bytes),
        (KEV, &kev_bytes),
        (EPSS, &epss_bytes),
        (TEXT_DICT, &text.dict),
        (STR_KEYS, &str_keys),
        // Last: the reader leaves it on disk (see read.rs).
        (TEXT_DATA, &text.data),
    ];
    let dir_len = sections.len() * DIR_ENTRY_LEN;
    let mut body =
        Vec::with_capacity(dir_len + sections.iter().map(|(_, s)| s.len() + 8).sum::<usize>());
    body.resize(dir_len, 0);
    for (i, (kind, bytes)) in sections.iter().enumerate() {
        while body.len() % 8 != 0 {
            body.push(0);
        }
        let at = body.len() as u64;
        let entry = &mut body[i * DIR_ENTRY_LEN..(i + 1) * DIR_ENTRY_LEN];
        entry[0..4].copy_from_slice(&kind.to_le_bytes());
        entry[8..16].copy_from_slice(&at.to_le_bytes());
        entry[16..24].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
        body.extend_from_slice(bytes);
    }
    let mut file = Vec::with_capacity(HEADER_LEN + body.len());
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&VERSION.to_le_bytes());
    file.extend_from_slice(&SECTION_COUNT.to_le_bytes());
    file.extend_from_slice(&(body.len() as u64).to_le_bytes());
    file.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    let header_crc = crc32fast::hash(&file);
    file.extend_from_slice(&header_crc.to_le_bytes());
    file.extend_from_slice(&body);
    Ok((file, meta))
}
