//! The rpm database readers against databases made by rpm itself (and by
//! Berkeley DB's own db5.3_load for the bdb format): see
//! tests/data/rpm/make.sh. The truth is what `rpm -qa` / `rpm -ql` listed.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::io::Read;

use portcullis_packages::model::{Ecosystem, Package, SourcePackage};
use portcullis_packages::rpm;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rpm");

fn xz(name: &str) -> Vec<u8> {
    let file = std::fs::File::open(format!("{DATA}/{name}")).unwrap();
    let mut out = Vec::new();
    liblzma::read::XzDecoder::new(file)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The packages rpm listed, as our model holds them (gpg-pubkey left out:
/// the reader skips it on purpose).
fn truth() -> Vec<Package> {
    let qa = std::fs::read_to_string(format!("{DATA}/truth-qa.tsv")).unwrap();
    let ql = std::fs::read_to_string(format!("{DATA}/truth-ql.tsv")).unwrap();
    let mut out = Vec::new();
    for line in qa.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "{line}");
        let (name, epoch, evr, arch, license, srpm) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        if name == "gpg-pubkey" {
            continue;
        }
        // EPOCHNUM prints 0 for no epoch; our version has the epoch only
        // when the header has one.
        let version = if epoch == "(none)" {
            evr.strip_prefix("0:").unwrap().to_owned()
        } else {
            evr.to_owned()
        };
        let stem = srpm.strip_suffix(".src.rpm").unwrap();
        let mut parts = stem.rsplitn(3, '-');
        let (rel, ver, sname) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let mut files: Vec<String> = ql
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter(|(n, _)| *n == name)
            .map(|(_, p)| p.strip_prefix('/').unwrap().to_owned())
            .collect();
        files.sort();
        out.push(Package {
            ecosystem: Some(Ecosystem::Rpm),
            name: name.to_owned(),
            version,
            arch: Some(arch.to_owned()),
            licenses: vec![license.to_owned()],
            source: Some(SourcePackage {
                name: sname.to_owned(),
                version: Some(format!("{ver}-{rel}")),
            }),
            files,
            ..Package::default()
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn sorted(mut p: Vec<Package>) -> Vec<Package> {
    for x in &mut p {
        x.files.sort();
    }
    p.sort_by(|a, b| a.name.cmp(&b.name));
    p
}

#[test]
fn the_truth_is_what_the_fixtures_say() {
    // The truth itself, spelled out once, so that a regenerated fixture
    // that lost a package cannot pass silently.
    let t = truth();
    let names: Vec<&str> = t.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["epochtool", "libepoch", "manyfiles", "tinynoarch"]);
    assert_eq!(t[0].version, "3:2.5.1-7.el9");
    assert_eq!(t[0].licenses, ["MIT and (GPLv2+ or BSD)"]);
    assert_eq!(
        t[1].source,
        Some(SourcePackage {
            name: "epochtool".into(),
            version: Some("2.5.1-7.el9".into())
        })
    );
    assert_eq!(t[2].files.len(), 240 + 12 + 1);
    assert_eq!(t[3].arch.as_deref(), Some("noarch"));
    assert!(t[3].files.contains(&"etc/tinynoarch.conf".to_owned()));
}

#[test]
fn sqlite_database_made_by_rpm() {
    let db = xz("rpmdb.sqlite.xz");
    assert_eq!(rpm::sniff(&db), Some(rpm::Format::Sqlite));
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", &db);
    assert_eq!(found.notes, Vec::<String>::new());
    assert_eq!(sorted(found.packages), truth());
}

#[test]
fn berkeley_db_hash_made_by_db5_3_load() {
    for name in ["Packages.xz", "Packages-512.xz", "Packages-be.xz"] {
        let db = xz(name);
        assert_eq!(rpm::sniff(&db), Some(rpm::Format::BerkeleyDb), "{name}");
        let found = rpm::parse("var/lib/rpm/Packages", &db);
        assert_eq!(found.notes, Vec::<String>::new(), "{name}");
        assert_eq!(sorted(found.packages), truth(), "{name}");
    }
}

#[test]
fn ndb_made_by_rpm() {
    let db = xz("Packages.db.xz");
    assert_eq!(rpm::sniff(&db), Some(rpm::Format::Ndb));
    let found = rpm::parse("usr/lib/sysimage/rpm/Packages.db", &db);
    assert_eq!(found.notes, Vec::<String>::new());
    assert_eq!(sorted(found.packages), truth());
}

// ---- hostile and broken databases -------------------------------------

/// Every package found is exactly one rpm listed, and a database that lost
/// some says so in a note.
fn assert_partial(found: &portcullis_packages::Found, what: &str) {
    let truth = truth();
    let got = sorted(found.packages.clone());
    for p in &got {
        assert!(
            truth.contains(p),
            "{what}: a package rpm did not list: {p:?}"
        );
    }
    if got != truth {
        assert!(
            !found.notes.is_empty(),
            "{what}: packages lost without a note"
        );
    }
    assert!(
        found.notes.len() <= 21,
        "{what}: {} notes",
        found.notes.len()
    );
}

fn cuts(len: usize) -> Vec<usize> {
    let mut v: Vec<usize> = vec![0, 1, 12, 16, 31, 32, 50, 99, 100, 101, 511, 512, 513];
    v.extend((1..len).step_by(997));
    v.extend([len / 2, len - 1]);
    v
}

#[test]
fn truncated_databases_end_in_notes() {
    for (name, path) in [
        ("rpmdb.sqlite.xz", "var/lib/rpm/rpmdb.sqlite"),
        ("Packages.xz", "var/lib/rpm/Packages"),
        ("Packages-512.xz", "var/lib/rpm/Packages"),
        ("Packages-be.xz", "var/lib/rpm/Packages"),
        ("Packages.db.xz", "var/lib/rpm/Packages.db"),
    ] {
        let db = xz(name);
        for cut in cuts(db.len()) {
            let found = rpm::parse(path, &db[..cut]);
            assert_partial(&found, &format!("{name} cut at {cut}"));
            if cut < db.len() / 2 {
                // The first half never holds every header of these files.
                assert_ne!(
                    sorted(found.packages.clone()),
                    truth(),
                    "{name} cut at {cut}"
                );
            }
        }
    }
}

#[test]
fn mutated_databases_never_panic() {
    // Deterministic xorshift: a few random bytes overwritten, many times.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for name in [
        "rpmdb.sqlite.xz",
        "Packages.xz",
        "Packages-512.xz",
        "Packages-be.xz",
        "Packages.db.xz",
    ] {
        let db = xz(name);
        for _ in 0..300 {
            let mut copy = db.clone();
            for _ in 0..(1 + next() % 8) {
                let at = (next() % copy.len() as u64) as usize;
                copy[at] = next() as u8;
            }
            let found = rpm::parse("var/lib/rpm/Packages", &copy);
            assert!(found.notes.len() <= 21);
            assert!(found.packages.len() <= truth().len() + 1);
        }
    }
}

fn sqlite_page_size(db: &[u8]) -> usize {
    usize::from(u16::from_be_bytes([db[16], db[17]]))
}

#[test]
fn sqlite_with_a_lying_page_count() {
    let mut db = xz("rpmdb.sqlite.xz");
    let pages = db.len() / sqlite_page_size(&db);
    db[28..32].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", &db);
    assert_eq!(
        found.notes,
        [format!(
            "the SQLite header says 2147483647 pages, the file holds {pages}: truncated or lying, reading what is there"
        )]
    );
    assert_eq!(sorted(found.packages), truth());
}

/// The root page of the Packages table, as sqlite_schema names it.
fn packages_root(db: &[u8]) -> u32 {
    let mut notes = rpm::Notes::default();
    let mut d = rpm::sqlite::Db::open(db, &mut notes).unwrap();
    let (root, sql) = rpm::sqlite::find_table(&mut d, "Packages", &mut notes).unwrap();
    assert!(sql.contains("blob BLOB"), "{sql}");
    assert!(notes.is_empty());
    root
}

#[test]
fn sqlite_with_a_b_tree_loop() {
    let mut db = xz("rpmdb.sqlite.xz");
    let size = sqlite_page_size(&db);
    let root = packages_root(&db);
    assert_eq!(
        rpm::sqlite::column_index(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
            "blob"
        ),
        Some(1)
    );
    // The root becomes an interior page with no cells whose right-most
    // child is itself.
    let at = (root as usize - 1) * size;
    db[at] = 0x05;
    db[at + 3..at + 5].copy_from_slice(&0u16.to_be_bytes());
    db[at + 8..at + 12].copy_from_slice(&root.to_be_bytes());
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", &db);
    assert_eq!(
        found.notes,
        [format!("b-tree page {root} is reached twice (a loop)")]
    );
    assert_eq!(found.packages, []);
}

#[test]
fn sqlite_with_an_overflow_loop() {
    let mut db = xz("rpmdb.sqlite.xz");
    let size = sqlite_page_size(&db);
    let usable = size - usize::from(db[20]);
    let root = packages_root(&db);
    // The root's leaves (the fixture's root is an interior page).
    let be32 = |db: &[u8], at: usize| u32::from_be_bytes(db[at..at + 4].try_into().unwrap());
    let be16 = |db: &[u8], at: usize| usize::from(u16::from_be_bytes([db[at], db[at + 1]]));
    let r = (root as usize - 1) * size;
    assert_eq!(
        db[r], 0x05,
        "the fixture's Packages root is an interior page"
    );
    let mut leaves: Vec<u32> = (0..be16(&db, r + 3))
        .map(|i| be32(&db, r + be16(&db, r + 12 + 2 * i)))
        .collect();
    leaves.push(be32(&db, r + 8));
    // The cell that spills most (manyfiles' 39 KB header): its first
    // overflow page made to point at itself.
    let mut looped = None;
    for leaf in leaves {
        let page = (leaf as usize - 1) * size;
        assert_eq!(db[page], 0x0d);
        for i in 0..be16(&db, page + 3) {
            let cell = page + be16(&db, page + 8 + 2 * i);
            let (p, a) = rpm::sqlite::varint(&db[cell..]).unwrap();
            let (_, b) = rpm::sqlite::varint(&db[cell + a..]).unwrap();
            let (p, x) = (p as usize, usable - 35);
            if p <= 3 * usable {
                continue;
            }
            let m = (usable - 12) * 32 / 255 - 23;
            let k = m + (p - m) % (usable - 4);
            let local = if k <= x { k } else { m };
            let first = be32(&db, cell + a + b + local);
            let fp = (first as usize - 1) * size;
            db[fp..fp + 4].copy_from_slice(&first.to_be_bytes());
            looped = Some((leaf, i, first));
        }
    }
    let (leaf, cell, first) = looped.expect("a cell with overflow pages");
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", &db);
    assert_eq!(
        found.notes,
        [format!(
            "page {leaf}, cell {cell}: overflow page {first} is reached twice (a loop, or a chain shared by cells)"
        )]
    );
    let want: Vec<Package> = truth()
        .into_iter()
        .filter(|p| p.name != "manyfiles")
        .collect();
    assert_eq!(sorted(found.packages), want);
}

#[test]
fn sqlite_without_a_packages_table_or_not_sqlite() {
    let mut db = xz("rpmdb.sqlite.xz");
    // Rename the table in sqlite_schema's records ("Packages" →
    // "Packagez"; the schema spans several pages, and freed pages keep
    // stale copies: every copy is renamed).
    let mut renamed = 0;
    while let Some(at) = memchr_find(&db, b"tablePackagesPackages") {
        db[at + 12] = b'z';
        renamed += 1;
    }
    assert!(renamed >= 1);
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", &db);
    assert_eq!(found.notes, ["the SQLite database has no Packages table"]);
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", b"not a database at all");
    assert_eq!(
        found.notes,
        ["not an rpm database (neither SQLite, Berkeley DB nor ndb) in 21 bytes"]
    );
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

#[test]
fn berkeley_db_with_a_bucket_page_loop() {
    for name in ["Packages.xz", "Packages-512.xz"] {
        let mut db = xz(name);
        let size = le32(&db, 20) as usize;
        let bucket0 = le32(&db, 96); // spares[0]: bucket 0's page
        let at = bucket0 as usize * size;
        assert_eq!(db[at + 25], 13, "{name}: a hash page");
        db[at + 16..at + 20].copy_from_slice(&bucket0.to_le_bytes());
        let found = rpm::parse("var/lib/rpm/Packages", &db);
        assert_eq!(
            found.notes,
            [format!(
                "bucket 0: page {bucket0} is reached twice (a loop)"
            )],
            "{name}"
        );
        assert_eq!(sorted(found.packages), truth(), "{name}");
    }
}

#[test]
fn berkeley_db_with_an_overflow_loop() {
    let mut db = xz("Packages-512.xz");
    let size = le32(&db, 20) as usize;
    let pages = db.len() / size;
    // The first overflow page that has a successor points to itself.
    let n = (1..pages)
        .find(|&n| db[n * size + 25] == 7 && le32(&db, n * size + 16) != 0)
        .unwrap();
    db[n * size + 16..n * size + 20].copy_from_slice(&(n as u32).to_le_bytes());
    let found = rpm::parse("var/lib/rpm/Packages", &db);
    assert_eq!(found.notes.len(), 1, "{:?}", found.notes);
    assert!(
        found.notes[0].ends_with(&format!(
            "overflow page {n} is reached twice (a loop, or a chain shared by items)"
        )),
        "{:?}",
        found.notes
    );
    assert_eq!(found.packages.len(), truth().len() - 1);
    assert_partial(&found, "overflow loop");
}

#[test]
fn berkeley_db_with_lying_metadata() {
    let mut db = xz("Packages.xz");
    let size = le32(&db, 20) as usize;
    let pages = db.len() / size;
    db[32..36].copy_from_slice(&u32::MAX.to_le_bytes()); // last page
    db[72..76].copy_from_slice(&u32::MAX.to_le_bytes()); // max bucket
    let found = rpm::parse("var/lib/rpm/Packages", &db);
    assert_eq!(
        found.notes[..2],
        [
            format!("the metadata says the last page is 4294967295, the file holds pages 0 to {}: truncated or lying, reading what is there", pages - 1),
            format!("the metadata claims 4294967296 buckets in a file of {pages} pages"),
        ]
    );
    assert_eq!(sorted(found.packages), truth());
    // A btree is refused by name.
    let mut bt = xz("Packages.xz");
    bt[12..16].copy_from_slice(&0x0005_3162u32.to_le_bytes());
    let found = rpm::parse("var/lib/rpm/Packages", &bt);
    assert_eq!(
        found.notes,
        ["a Berkeley DB btree, not the hash rpm's Packages is: not read"]
    );
}

#[test]
fn ndb_with_lying_slots_and_a_bad_checksum() {
    let db = xz("Packages.db.xz");
    // Slot 2 (the first after the 32-byte header) made a copy of slot 3:
    // two slots naming the same blocks.
    let mut two = db.clone();
    let slot3: Vec<u8> = two[48..64].to_vec();
    assert_eq!(&slot3[..4], b"Slot");
    two[32..48].copy_from_slice(&slot3);
    let found = rpm::parse("var/lib/rpm/Packages.db", &two);
    let index = le32(&slot3, 4);
    let (block, count) = (le32(&slot3, 8), le32(&slot3, 12));
    assert_eq!(
        found.notes,
        [format!(
            "package {index}: its blocks {block}+{count} overlap another package's"
        )]
    );
    // Slot 2 held a package (the key was imported last): it is the one lost.
    assert_eq!(found.packages.len(), truth().len() - 1);
    assert_partial(&found, "ndb two slots");

    // A byte of a blob flipped: its checksum says so.
    let mut bad = db.clone();
    let start = le32(&db, 40) as usize * 16;
    bad[start + 40] ^= 0x55;
    let found = rpm::parse("var/lib/rpm/Packages.db", &bad);
    assert_eq!(
        found.notes,
        [format!(
            "package {}: its blob's checksum does not match",
            le32(&db, 36)
        )]
    );
    assert_partial(&found, "ndb checksum");

    // The header claims more slot pages than the file holds.
    let mut lying = db.clone();
    lying[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    let found = rpm::parse("var/lib/rpm/Packages.db", &lying);
    assert!(found.notes[0].starts_with("the ndb header claims 4294967295 slot pages"));
    assert_partial(&found, "ndb lying slot pages");
}

#[test]
fn the_cataloger_wants_the_five_paths_and_caps_their_size() {
    use portcullis_packages::catalog::cataloger_for;
    for path in rpm::PATHS {
        assert!(rpm::cataloger(path, 100).is_some(), "{path}");
    }
    for path in [
        "var/lib/rpm/Name",
        "/var/lib/rpm/Packages",
        "var/lib/rpm/rpmdb.sqlite-wal",
    ] {
        assert!(rpm::cataloger(path, 100).is_none(), "{path}");
    }
    // Through the shared dispatcher, fed in chunks.
    let db = xz("rpmdb.sqlite.xz");
    let mut c = cataloger_for("usr/lib/sysimage/rpm/rpmdb.sqlite", db.len() as u64).unwrap();
    for chunk in db.chunks(10_000) {
        assert!(c.chunk(chunk));
    }
    let found = c.finish(true);
    assert_eq!(sorted(found.packages), truth());
    let big = rpm::cataloger("var/lib/rpm/Packages", rpm::CAP as u64 + 1).unwrap();
    let found = big.finish(true);
    assert_eq!(
        found.notes,
        ["larger than the 256 MiB this cataloger reads: not read"]
    );
}

#[test]
fn source_rpm_names() {
    use portcullis_packages::rpm::header::source_rpm;
    let s = source_rpm("openssl-3.0.7-27.el9.src.rpm").unwrap();
    assert_eq!(
        (s.name.as_str(), s.version.as_deref()),
        ("openssl", Some("3.0.7-27.el9"))
    );
    let s = source_rpm("python-setuptools-wheel-53.0.0-12.el9.src.rpm").unwrap();
    assert_eq!(
        (s.name.as_str(), s.version.as_deref()),
        ("python-setuptools-wheel", Some("53.0.0-12.el9"))
    );
    assert_eq!(source_rpm("nodash.src.rpm"), None);
    assert_eq!(source_rpm("one-dash.src.rpm"), None);
    assert_eq!(source_rpm("-1-2.src.rpm"), None);
    assert_eq!(source_rpm("a--2.src.rpm"), None);
}

/// A header blob made by hand: (tag, type, count, data) entries, INT32 data
/// aligned to 4 as rpm aligns it.
fn blob(entries: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut data = Vec::new();
    let mut index = Vec::new();
    for (tag, kind, count, bytes) in entries {
        if *kind == 4 {
            while data.len() % 4 != 0 {
                data.push(0);
            }
        }
        index.extend_from_slice(&tag.to_be_bytes());
        index.extend_from_slice(&kind.to_be_bytes());
        index.extend_from_slice(&(data.len() as u32).to_be_bytes());
        index.extend_from_slice(&count.to_be_bytes());
        data.extend_from_slice(bytes);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(&index);
    out.extend_from_slice(&data);
    out
}

fn s(v: &str) -> Vec<u8> {
    let mut b = v.as_bytes().to_vec();
    b.push(0);
    b
}

#[test]
fn hand_made_headers() {
    use portcullis_packages::rpm::header::package;
    let mut budget = usize::MAX;
    // Old-style FILENAMES, an explicit epoch 0 (kept: the header has one).
    let b = blob(&[
        (1000, 6, 1, s("old")),
        (1001, 6, 1, s("1.0")),
        (1002, 6, 1, s("2")),
        (1003, 4, 1, 0u32.to_be_bytes().to_vec()),
        (1027, 8, 2, [s("/etc/old.conf"), s("/usr/bin/old")].concat()),
    ]);
    let p = package(&b, &mut budget).unwrap().unwrap();
    assert_eq!(p.version, "0:1.0-2");
    assert_eq!(p.files, ["etc/old.conf", "usr/bin/old"]);
    assert_eq!((p.arch, p.source, p.licenses.len()), (None, None, 0));
    // gpg-pubkey is skipped.
    let b = blob(&[(1000, 6, 1, s("gpg-pubkey")), (1001, 6, 1, s("abc"))]);
    assert_eq!(package(&b, &mut budget), Ok(None));
    // Lies: a count beyond the data, an offset beyond it, a NAME of the
    // wrong type, an index longer than the blob.
    let b = blob(&[(1000, 6, 1, s("liar")), (1117, 8, 1 << 30, s("x"))]);
    assert_eq!(
        package(&b, &mut budget).unwrap().unwrap().files,
        Vec::<String>::new()
    );
    let mut b = blob(&[(1000, 6, 1, s("liar"))]);
    b[8 + 8..8 + 12].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(
        package(&b, &mut budget),
        Err("a header without a NAME".to_owned())
    );
    let b = blob(&[(1000, 4, 1, 7u32.to_be_bytes().to_vec())]);
    assert_eq!(
        package(&b, &mut budget),
        Err("a header without a NAME".to_owned())
    );
    let mut b = blob(&[(1000, 6, 1, s("cut"))]);
    b[0..4].copy_from_slice(&1000u32.to_be_bytes());
    assert_eq!(
        package(&b, &mut budget),
        Err(format!(
            "a header claims {} bytes but holds {} (truncated)",
            8 + 16000 + 4,
            b.len()
        ))
    );
    for cut in 0..b.len() {
        assert!(package(&b[..cut], &mut budget).is_err(), "cut at {cut}");
    }
}

#[test]
fn a_header_whose_file_list_would_explode_is_cut() {
    use portcullis_packages::rpm::{files_budget, header::package};
    // 100 000 empty base names, each in the one directory of 60 000 bytes:
    // 6 GB of paths from a header of 460 KB.
    let n = 100_000u32;
    let dir = format!("/{}/", "d".repeat(60_000));
    let b = blob(&[
        (1000, 6, 1, s("bomb")),
        (1116, 4, n, vec![0; 4 * n as usize]),
        (1117, 8, n, vec![0; n as usize]),
        (1118, 8, 1, s(&dir)),
    ]);
    let mut budget = files_budget(b.len());
    let start = budget;
    let p = package(&b, &mut budget).unwrap().unwrap();
    let total: usize = p.files.iter().map(String::len).sum();
    assert!(total <= start, "{total} > {start}");
    assert_eq!(p.files.len(), start / (dir.len() - 1));
    assert_eq!(budget, 0);
}

#[test]
fn sqlite_cells_sharing_their_bytes_stop_the_walk() {
    let mut db = xz("rpmdb.sqlite.xz");
    let size = sqlite_page_size(&db);
    let root = packages_root(&db);
    let r = (root as usize - 1) * size;
    let be16 = |db: &[u8], at: usize| usize::from(u16::from_be_bytes([db[at], db[at + 1]]));
    // The first leaf under the root: every slot of its cell pointer array
    // up to its content area made to point at its first cell.
    let first_cell = be16(&db, r + 12);
    let leaf = u32::from_be_bytes(db[r + first_cell..r + first_cell + 4].try_into().unwrap());
    let page = (leaf as usize - 1) * size;
    assert_eq!(db[page], 0x0d);
    let content = be16(&db, page + 5);
    let cells = (content - 8) / 2;
    let cell0 = [db[page + 8], db[page + 9]];
    for i in 0..cells {
        db[page + 8 + 2 * i..page + 10 + 2 * i].copy_from_slice(&cell0);
    }
    db[page + 3..page + 5].copy_from_slice(&(cells as u16).to_be_bytes());
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", &db);
    assert!(cells > 500, "{cells}");
    assert!(
        found.notes.len() == 1
            && found.notes[0]
                .ends_with("cells share their bytes (more copied than twice the file): stopped"),
        "{:?}",
        found.notes
    );
    assert!(found.packages.len() < cells);
}

#[test]
fn berkeley_db_with_bucket_overflow_pages() {
    // Each header 40 times under 200 header numbers, in 12 buckets of
    // 512-byte pages, 4 of them bucket overflow pages (db5.3_stat): rpm's
    // bdb_ro listed each header 40 times.
    let db = xz("Packages-chain.xz");
    let found = rpm::parse("var/lib/rpm/Packages", &db);
    assert_eq!(found.notes, Vec::<String>::new());
    let want: Vec<Package> = truth()
        .into_iter()
        .flat_map(|p| std::iter::repeat_n(p, 40))
        .collect();
    assert_eq!(sorted(found.packages), want);
}

#[test]
fn berkeley_db_with_an_unwritten_bucket_page() {
    // One bucket page at a time zeroed (Berkeley DB writes a bucket's page
    // when the bucket is made, so a zero page is damage): a note, and the
    // header it held is lost. The 512-byte fixture has one key per bucket
    // (5 buckets: 4 packages and the gpg-pubkey), so each package is lost
    // with exactly one bucket.
    let db = xz("Packages-512.xz");
    let size = le32(&db, 20) as usize;
    assert_eq!(le32(&db, 72), 4, "max bucket");
    let mut lost = Vec::new();
    for bucket in 0..5usize {
        let log = (usize::BITS - bucket.leading_zeros()) as usize;
        let page = bucket + le32(&db, 96 + 4 * log) as usize;
        let mut copy = db.clone();
        copy[page * size..(page + 1) * size].fill(0);
        let found = rpm::parse("var/lib/rpm/Packages", &copy);
        assert_eq!(
            found.notes,
            [format!(
                "bucket {bucket}: page {page} is not a hash page (type 0)"
            )]
        );
        assert_partial(&found, "a zeroed bucket");
        for t in truth() {
            if !found.packages.contains(&t) {
                lost.push(t.name);
            }
        }
    }
    lost.sort();
    assert_eq!(lost, ["epochtool", "libepoch", "manyfiles", "tinynoarch"]);
}

#[test]
fn sqlite_varints_and_records() {
    use portcullis_packages::rpm::sqlite::{record, varint, Value};
    // sqlite.org/fileformat2.html, "Variable-length integer".
    assert_eq!(varint(&[0x7f]), Some((127, 1)));
    assert_eq!(varint(&[0x81, 0x00]), Some((128, 2)));
    assert_eq!(varint(&[0xff; 9]), Some((u64::MAX, 9)));
    assert_eq!(varint(&[0x81, 0x81]), None);
    // A record of NULL, the integer -2 (1 byte), a 3-byte blob, "hi".
    let r = [5, 0, 1, 18, 17, 0xfe, 1, 2, 3, b'h', b'i'];
    assert_eq!(
        record(&r),
        Some(vec![
            Value::Null,
            Value::Int(-2),
            Value::Blob(&[1, 2, 3]),
            Value::Text(b"hi")
        ])
    );
    assert_eq!(record(&r[..10]), None);
    assert_eq!(record(&[0x85, 0]), None);
}
