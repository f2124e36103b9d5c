//! A multi-literal prefilter: every place where one of a few hundred short,
//! case-sensitive literals (the scanner's anchors: token prefixes such as
//! `ghp_`, keywords such as `password`, `-----BEGIN `, `://`) occurs, at
//! several GB/s, on binaries as on text.
//!
//! # Why not Aho-Corasick
//!
//! Aho-Corasick's DFA follows one state transition per byte, a chain of
//! dependent loads from a table that no longer fits the L1 cache once there
//! are hundreds of patterns, and its SIMD prefilter (Teddy) is not used
//! beyond 64 patterns: on the scanner's 274 anchors it runs at
//! 350–700 MB/s, slower than decompression.
//!
//! # Windows
//!
//! This filter looks at *windows* of four bytes, starting at every other
//! position of the haystack (at even distances from where the scan
//! starts). For each pattern and each parity of its start, one window
//! position is chosen inside the pattern, or overlapping it (from one byte
//! before it, for short patterns): the window's bytes inside the pattern
//! are *fixed*, the others are *any*. An occurrence of the pattern always
//! has the window for its parity at the right place, so finding every
//! window that matches finds every occurrence.
//!
//! A window is two pairs of bytes: its first half and its second half. A
//! table of 65,536 `u16` (128 KiB), indexed by a byte pair `b0 | b1 << 8`,
//! says for which of eight *buckets* the pair may be the first half of a
//! window (low byte) and for which the second half (high byte). A window of
//! the haystack *passes* when its first pair's low byte and its second
//! pair's high byte share a bucket: then some window of that bucket may be
//! there (or a first half of one window next to a second half of another
//! of the same bucket, by chance). Each pair of the haystack is looked up
//! once (it is the second half of one window and the first of the next);
//! four lookups are packed into a `u64` and combined with a shift and a
//! mask, sixteen windows per 32 bytes without a branch. About 2.5
//! instructions a byte.
//!
//! A window that passes is verified exactly: the patterns of the windows
//! registered under its bucket and first pair (a small hash index) are
//! compared with the haystack where they would start.
//!
//! # Choosing windows and buckets
//!
//! The choice is made once, when the prefilter is built (about 15 ms for
//! the scanner's anchors), to keep windows that pass by chance rare:
//!
//! - a static model of how common each byte pair is in real files (an even
//!   mix of binaries and text: byte frequencies, how often one class of
//!   byte follows another, runs, letter pairs; see `pair_weights`)
//!   estimates, for each bucket, how often a position shows one of its
//!   first halves followed by one of its second halves (by class of the
//!   bytes where they meet, so that letter after letter or NUL after NUL
//!   counts as common);
//! - groups (a pattern and a parity) are placed hardest first (those whose
//!   cheapest window is the most common), each with the window and bucket
//!   that add least to that estimate, then a few rounds of local
//!   improvement move each group to its best place given all the others.
//!
//! This prefers rare pairs (`_`, `-`, `.`, digits, capitals, punctuation in
//! text; printable pairs in binaries, where they are rare), avoids common
//! English and code bigrams (`th`, `in`, `ck`) and runs (`--`, `==`, NUL
//! NUL), and puts windows that share halves (`xoxb-`, `xoxp-`, `xoxa-`) in
//! one bucket, where they cost one.
//!
//! On the scanner's 274 anchors, 0.05–0.1% of the windows pass in shared
//! libraries and JDK modules, 0.4–0.6% in documentation, Python sources and
//! C headers, where some 40% of those are anchors indeed (`://` alone is a
//! good part: URIs are common there), and under 0.01% in random bytes.
//!
//! # What is reported
//!
//! Matching is overlapping and complete: every `(pattern, start)` where a
//! pattern occurs, starting at or after the given offset and ending inside
//! the haystack, is reported once — the set that Aho-Corasick's
//! `find_overlapping_iter` (standard semantics) reports on the same span,
//! duplicates of a pattern included — in no particular order (roughly
//! increasing). No allocation per search, no `unsafe`.

use std::fmt;

/// Buckets: bits of each half of a table entry.
const BUCKETS: usize = 8;
/// The low byte of every `u16` of a `u64`.
const LOW: u64 = 0x00ff_00ff_00ff_00ff;
/// Bytes scanned per step of the fast loop.
const BLOCK: usize = 32;
/// Rounds of local improvement after the greedy assignment.
const ROUNDS: usize = 4;

/// Why a [`Prefilter`] cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The pattern at this index is empty (it would occur everywhere).
    EmptyPattern(usize),
    /// More patterns than a `u32` counts.
    TooManyPatterns,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::EmptyPattern(i) => write!(f, "pattern {i} is empty"),
            BuildError::TooManyPatterns => write!(f, "too many patterns"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Every occurrence of a set of literals; see the [module](self) docs.
pub struct Prefilter {
    /// Per pair: bit `b` when it may be the first half of a window of
    /// bucket `b`, bit `8 + b` when it may be the second half.
    table: Box<[u16; 65536]>,
    /// Slots of windows whose first half is a fixed pair, by a hash of it:
    /// `slots[by_pair[h]..by_pair[h + 1]]`.
    by_pair: Box<[u32]>,
    /// Shift of that hash (32 minus the index's bits).
    shift: u32,
    /// Slots of windows whose first half is (any, byte), by that byte.
    by_second: Box<[u32]>,
    /// Slots of windows whose first half is (byte, any), by that byte
    /// (one-byte patterns only).
    by_first: Box<[u32]>,
    slots: Box<[Slot]>,
    /// The buckets holding windows of each of those three kinds.
    pair_buckets: u8,
    second_buckets: u8,
    first_buckets: u8,
    patterns: Vec<Box<[u8]>>,
}

impl fmt::Debug for Prefilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prefilter")
            .field("patterns", &self.patterns.len())
            .finish_non_exhaustive()
    }
}

/// A pattern to try where a window of its bucket passes.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// The pattern's first bytes (up to eight), little-endian.
    head: u64,
    pattern: u32,
    /// The pattern starts `back` bytes before the window's second byte.
    back: u16,
    bucket: u8,
    /// The pattern's length, saturated at 255.
    len: u8,
}

/// Half a window: two bytes, each fixed or any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Half {
    Pair(u16),
    /// First byte fixed, second any.
    First(u8),
    /// Second byte fixed, first any.
    Second(u8),
    Any,
}

impl Half {
    fn of(a: Option<u8>, b: Option<u8>) -> Half {
        match (a, b) {
            (Some(x), Some(y)) => Half::Pair(u16::from_le_bytes([x, y])),
            (Some(x), None) => Half::First(x),
            (None, Some(y)) => Half::Second(y),
            (None, None) => Half::Any,
        }
    }

    /// Every pair (`b0 | b1 << 8`) that the half stands for.
    fn pairs(self, mut f: impl FnMut(usize)) {
        match self {
            Half::Pair(p) => f(p as usize),
            Half::First(x) => (0..256).for_each(|y| f(x as usize | y << 8)),
            Half::Second(y) => (0..256).for_each(|x| f(x | (y as usize) << 8)),
            Half::Any => (0..65536).for_each(f),
        }
    }
}

/// A window that may stand for one pattern at one parity of its start.
#[derive(Clone, Copy, Debug)]
struct Window {
    pattern: usize,
    /// Where the window starts in the pattern: -1 (the byte before it) or
    /// more.
    offset: isize,
    first: Half,
    second: Half,
}

fn pair_hash(pair: u16, shift: u32) -> usize {
    ((pair as u32).wrapping_mul(0x9E37_79B1) >> shift) as usize
}

impl Prefilter {
    /// A prefilter for `patterns`: non-empty byte strings, reported by
    /// their index. Duplicates, patterns inside or at the start of others,
    /// and patterns of any length are fine; the filter is fastest with
    /// patterns of at least five bytes (two exact windows) and with few of
    /// one or two (whose windows are mostly *any*).
    pub fn new<I, P>(patterns: I) -> Result<Prefilter, BuildError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let patterns: Vec<Box<[u8]>> = patterns.into_iter().map(|p| p.as_ref().into()).collect();
        if u32::try_from(patterns.len()).is_err() {
            return Err(BuildError::TooManyPatterns);
        }
        if let Some(i) = patterns.iter().position(|p| p.is_empty()) {
            return Err(BuildError::EmptyPattern(i));
        }
        let chosen = assign(&candidates(&patterns), &pair_weights());
        Ok(Prefilter::assemble(patterns, &chosen))
    }

    fn assemble(patterns: Vec<Box<[u8]>>, chosen: &[(Window, usize)]) -> Prefilter {
        let mut table: Box<[u16; 65536]> = vec![0u16; 65536]
            .into_boxed_slice()
            .try_into()
            .expect("65,536 entries");
        let keys = chosen
            .iter()
            .filter(|(w, _)| matches!(w.first, Half::Pair(_)))
            .count();
        // An index at most half full: a list holds one pair's windows, or
        // rarely two pairs'.
        let bits = (2 * keys).max(64).next_power_of_two().trailing_zeros();
        let shift = 32 - bits;
        let mut pair_lists: Vec<Vec<Slot>> = vec![Vec::new(); 1 << bits];
        let mut second_lists: Vec<Vec<Slot>> = vec![Vec::new(); 256];
        let mut first_lists: Vec<Vec<Slot>> = vec![Vec::new(); 256];
        let (mut pair_buckets, mut second_buckets, mut first_buckets) = (0u8, 0u8, 0u8);
        for &(w, bucket) in chosen {
            w.first.pairs(|p| table[p] |= 1 << bucket);
            w.second.pairs(|p| table[p] |= 1 << (BUCKETS + bucket));
            let p = &patterns[w.pattern];
            let n = p.len().min(8);
            let mut head = [0u8; 8];
            head[..n].copy_from_slice(&p[..n]);
            let slot = Slot {
                head: u64::from_le_bytes(head),
                pattern: w.pattern as u32,
                back: (w.offset + 1) as u16,
                bucket: bucket as u8,
                len: p.len().min(255) as u8,
            };
            match w.first {
                Half::Pair(pair) => {
                    pair_lists[pair_hash(pair, shift)].push(slot);
                    pair_buckets |= 1 << bucket;
                }
                Half::Second(y) => {
                    second_lists[y as usize].push(slot);
                    second_buckets |= 1 << bucket;
                }
                Half::First(x) => {
                    first_lists[x as usize].push(slot);
                    first_buckets |= 1 << bucket;
                }
                Half::Any => unreachable!("a window's first half holds a byte of its pattern"),
            }
        }
        let mut slots = Vec::with_capacity(chosen.len());
        let mut starts = |lists: &[Vec<Slot>]| -> Box<[u32]> {
            let mut starts = Vec::with_capacity(lists.len() + 1);
            for list in lists {
                starts.push(slots.len() as u32);
                slots.extend_from_slice(list);
            }
            starts.push(slots.len() as u32);
            starts.into()
        };
        let by_pair = starts(&pair_lists);
        let by_second = starts(&second_lists);
        let by_first = starts(&first_lists);
        Prefilter {
            table,
            by_pair,
            shift,
            by_second,
            by_first,
            slots: slots.into(),
            pair_buckets,
            second_buckets,
            first_buckets,
            patterns,
        }
    }

    /// How many patterns it looks for.
    pub fn patterns_len(&self) -> usize {
        self.patterns.len()
    }

    /// Pattern `i`, as given.
    pub fn pattern(&self, i: usize) -> &[u8] {
        &self.patterns[i]
    }

    /// Calls `f(pattern, start)` for every occurrence of every pattern in
    /// `haystack` that starts at `from` or later (and ends inside
    /// `haystack`), once each, in no particular order. Nothing when `from`
    /// is past the end.
    pub fn for_each(&self, haystack: &[u8], from: usize, mut f: impl FnMut(usize, usize)) {
        let Some(body) = haystack.get(from..) else {
            return;
        };
        // Windows start at even offsets of `body`: the one at `q` is the
        // pairs at `q` and `q + 2`.
        let mut prev = 0;
        let mut at = 0;
        while let Some((block, masks)) = self.next_block(body, at, &mut prev) {
            for (k, &mask) in masks.iter().enumerate() {
                let mut mask = mask;
                while mask != 0 {
                    let lane = mask.trailing_zeros() as usize / 16;
                    let bits = (mask >> (16 * lane)) as u8;
                    mask &= !(0xffff << (16 * lane));
                    // Lane `j` of `masks[k]` is the window that ends with
                    // pair `4k + j` of the block (lane 0 of the first
                    // block is always clear: no window ends there).
                    let q = block + 8 * k + 2 * lane - 2;
                    self.verify(haystack, from, from + q, bits, &mut f);
                }
            }
            at = block + BLOCK;
        }
        // The windows that no block covered: the one that ends after the
        // last block and those of the tail. Bytes past the end read as 0:
        // where a window's pattern fits in the haystack, the window's
        // bytes past the end are *any*.
        let tail = body.len() - body.len() % BLOCK;
        let byte = |i: usize| body.get(i).map_or(0, |&b| b as usize);
        let entry = |i: usize| self.table[byte(i) | byte(i + 1) << 8];
        let mut q = tail.saturating_sub(2);
        while q < body.len() {
            let bits = (entry(q) & (entry(q + 2) >> BUCKETS)) as u8;
            if bits != 0 {
                self.verify(haystack, from, from + q, bits, &mut f);
            }
            q += 2;
        }
    }

    /// The first block of `body` at or after `at` that holds a window that
    /// passes, and its masks: lane `j` (16 bits) of `masks[k]` holds the
    /// buckets of the window that ends with pair `4k + j` of the block.
    /// `prev` carries the entry of the last pair of the block before.
    #[inline(always)]
    fn next_block(&self, body: &[u8], mut at: usize, prev: &mut u64) -> Option<(usize, [u64; 4])> {
        let table: &[u16; 65536] = &self.table;
        while let Some(block) = body.get(at..at + BLOCK) {
            let mut masks = [0u64; 4];
            for (k, mask) in masks.iter_mut().enumerate() {
                let entry = |j: usize| {
                    let i = 8 * k + 2 * j;
                    let pair: [u8; 2] = block[i..i + 2].try_into().expect("two bytes");
                    table[u16::from_le_bytes(pair) as usize] as u64
                };
                let x = entry(0) | entry(1) << 16 | entry(2) << 32 | entry(3) << 48;
                // Lane j: first-half buckets of pair j - 1, second-half
                // buckets of pair j.
                *mask = (x << 16 | *prev) & (x >> BUCKETS) & LOW;
                *prev = x >> 48;
            }
            if masks[0] | masks[1] | masks[2] | masks[3] != 0 {
                return Some((at, masks));
            }
            at += BLOCK;
        }
        None
    }

    /// The window at `q` (a haystack offset) passed with buckets `bits`:
    /// try the patterns it may stand for.
    #[inline(never)]
    fn verify(&self, h: &[u8], from: usize, q: usize, bits: u8, f: &mut impl FnMut(usize, usize)) {
        if let Some(&b1) = h.get(q + 1) {
            if bits & self.pair_buckets != 0 {
                let i = pair_hash(u16::from_le_bytes([h[q], b1]), self.shift);
                self.try_slots(h, from, q, bits, &self.by_pair[i..i + 2], f);
            }
            if bits & self.second_buckets != 0 {
                let i = b1 as usize;
                self.try_slots(h, from, q, bits, &self.by_second[i..i + 2], f);
            }
        }
        if bits & self.first_buckets != 0 {
            let i = h[q] as usize;
            self.try_slots(h, from, q, bits, &self.by_first[i..i + 2], f);
        }
    }

    #[inline(always)]
    fn try_slots(
        &self,
        h: &[u8],
        from: usize,
        q: usize,
        bits: u8,
        range: &[u32],
        f: &mut impl FnMut(usize, usize),
    ) {
        for slot in &self.slots[range[0] as usize..range[1] as usize] {
            let start = (q + 1).wrapping_sub(slot.back as usize);
            let len = slot.len as usize;
            let head = &slot.head.to_le_bytes()[..len.min(8)];
            let ours = bits >> slot.bucket & 1 != 0;
            // Without branches where the haystack has eight bytes at
            // `start` (everywhere but near its end).
            let found = match h.get(start..start.wrapping_add(8)) {
                Some(x) => {
                    let x = u64::from_le_bytes(x.try_into().expect("eight bytes"));
                    let mask = u64::MAX >> (64 - 8 * head.len());
                    ((x ^ slot.head) & mask == 0) & ours & (start >= from)
                }
                None => {
                    ours && start >= from
                        && h.get(start..).is_some_and(|rest| rest.starts_with(head))
                }
            };
            if found && (len <= 8 || h[start..].starts_with(&self.patterns[slot.pattern as usize]))
            {
                f(slot.pattern as usize, start);
            }
        }
    }
}

/// For each pattern and each parity of its start (relative to where the
/// scan starts), the windows that can stand for it: those at an offset of
/// that parity (-1 is odd) with the most bytes inside the pattern.
fn candidates(patterns: &[Box<[u8]>]) -> Vec<Vec<Window>> {
    let mut groups = Vec::with_capacity(2 * patterns.len());
    for (i, p) in patterns.iter().enumerate() {
        let len = p.len() as isize;
        for parity in 0..2 {
            let mut options: Vec<(usize, Window)> = Vec::new();
            let mut offset: isize = if parity == 0 { 0 } else { -1 };
            // A slot keeps `offset + 1` in a u16.
            while offset < len && offset < u16::MAX as isize - 1 {
                let byte = |j: isize| {
                    let at = offset + j;
                    (0..len).contains(&at).then(|| p[at as usize])
                };
                let fixed = (0..4).filter(|&j| byte(j).is_some()).count();
                let window = Window {
                    pattern: i,
                    offset,
                    first: Half::of(byte(0), byte(1)),
                    second: Half::of(byte(2), byte(3)),
                };
                options.push((fixed, window));
                offset += 2;
            }
            let most = options.iter().map(|o| o.0).max().unwrap_or(0);
            groups.push(
                options
                    .into_iter()
                    .filter(|o| o.0 == most)
                    .map(|o| o.1)
                    .collect(),
            );
        }
    }
    groups
}

/// The pairs of one side (first or second halves) of one bucket, counted,
/// and their estimated frequency by the class of the byte where a window's
/// halves meet (the second byte of a first half, the first byte of a
/// second half); with, to price wildcard halves quickly, the mass not yet
/// counted of each row (pairs with a given first byte) and column.
#[derive(Clone)]
struct Side {
    count: Vec<u32>,
    /// Which byte of a pair is at the junction: 1 (second) or 0 (first).
    junction: u32,
    mass: [f64; CLASSES],
    /// The mass of all pairs.
    all: [f64; CLASSES],
    rows: Vec<[f64; CLASSES]>,
    columns: Vec<[f64; CLASSES]>,
}

fn add_to(a: &mut [f64; CLASSES], b: &[f64; CLASSES]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
}

impl Side {
    fn new(junction: u32, model: &[f64]) -> Side {
        let mut side = Side {
            count: vec![0; 65536],
            junction,
            mass: [0.0; CLASSES],
            all: [0.0; CLASSES],
            rows: vec![[0.0; CLASSES]; 256],
            columns: vec![[0.0; CLASSES]; 256],
        };
        for (p, &w) in model.iter().enumerate() {
            let c = side.class_of(p);
            side.all[c] += w;
            side.rows[p & 0xff][c] += w;
            side.columns[p >> 8][c] += w;
        }
        side
    }

    fn class_of(&self, p: usize) -> usize {
        class((p >> (8 * self.junction)) as u8)
    }

    /// The mass with `half` added.
    fn with(&self, half: Half, model: &[f64]) -> [f64; CLASSES] {
        let mut mass = self.mass;
        match half {
            Half::Pair(p) => {
                if self.count[p as usize] == 0 {
                    mass[self.class_of(p as usize)] += model[p as usize];
                }
            }
            Half::First(x) => add_to(&mut mass, &self.rows[x as usize]),
            Half::Second(y) => add_to(&mut mass, &self.columns[y as usize]),
            Half::Any => mass = self.all,
        }
        mass
    }

    /// Counts `p` in (`by` 1) or out (`by` -1).
    fn count(&mut self, p: usize, by: i32, model: &[f64]) {
        let was = self.count[p];
        self.count[p] = was.wrapping_add_signed(by);
        if (was == 0) != (self.count[p] == 0) {
            let (c, w) = (self.class_of(p), by as f64 * model[p]);
            self.mass[c] += w;
            self.rows[p & 0xff][c] -= w;
            self.columns[p >> 8][c] -= w;
        }
    }

    fn add(&mut self, half: Half, model: &[f64]) {
        half.pairs(|p| self.count(p, 1, model));
    }

    fn remove(&mut self, half: Half, model: &[f64]) {
        half.pairs(|p| self.count(p, -1, model));
    }
}

/// How often a window of the bucket with these side masses passes.
fn passes(first: &[f64; CLASSES], second: &[f64; CLASSES]) -> f64 {
    let mut sum = 0.0;
    for (a, row) in first.iter().zip(&FOLLOWS) {
        for (b, &factor) in second.iter().zip(row) {
            sum += a * b * factor as f64;
        }
    }
    sum / 100.0
}

/// One window per group and a bucket for it, minimising the estimated
/// rate of windows that pass (the sum over buckets of [`passes`]).
fn assign(groups: &[Vec<Window>], model: &[f64]) -> Vec<(Window, usize)> {
    let empty = (Side::new(1, model), Side::new(0, model));
    let mut sides: Vec<(Side, Side)> = vec![empty; BUCKETS];
    let alone = |w: &Window| {
        let (mut a, mut b) = (0.0, 0.0);
        w.first.pairs(|p| a += model[p]);
        w.second.pairs(|p| b += model[p]);
        a * b
    };
    // Hardest first: the groups whose cheapest window is the most common.
    let mut order: Vec<(f64, usize)> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.iter().map(alone).fold(f64::MAX, f64::min), i))
        .collect();
    order.sort_by(|x, y| y.0.total_cmp(&x.0));
    let best = |sides: &[(Side, Side)], group: &[Window]| {
        let now: Vec<f64> = sides
            .iter()
            .map(|(a, b)| passes(&a.mass, &b.mass))
            .collect();
        let mut best = (f64::MAX, 0, 0);
        for (o, w) in group.iter().enumerate() {
            for (b, (first, second)) in sides.iter().enumerate() {
                let cost =
                    passes(&first.with(w.first, model), &second.with(w.second, model)) - now[b];
                if cost < best.0 {
                    best = (cost, o, b);
                }
            }
        }
        (best.1, best.2)
    };
    let mut choice = vec![(0, 0); groups.len()];
    for &(_, i) in &order {
        let (o, b) = best(&sides, &groups[i]);
        let w = &groups[i][o];
        sides[b].0.add(w.first, model);
        sides[b].1.add(w.second, model);
        choice[i] = (o, b);
    }
    for _ in 0..ROUNDS {
        let mut moved = false;
        for &(_, i) in &order {
            let (o, b) = choice[i];
            let w = &groups[i][o];
            sides[b].0.remove(w.first, model);
            sides[b].1.remove(w.second, model);
            let (o2, b2) = best(&sides, &groups[i]);
            let w = &groups[i][o2];
            sides[b2].0.add(w.first, model);
            sides[b2].1.add(w.second, model);
            moved |= (o2, b2) != (o, b);
            choice[i] = (o2, b2);
        }
        if !moved {
            break;
        }
    }
    choice
        .iter()
        .enumerate()
        .map(|(i, &(o, b))| (groups[i][o], b))
        .collect()
}

/// Byte classes of the model.
const CLASSES: usize = 9;

/// The model's class of a byte: NUL, 0xFF, other control bytes, white
/// space, digits, lower case, upper case, other printable, other high
/// bytes.
fn class(b: u8) -> usize {
    match b {
        0 => 0,
        0xff => 1,
        b'\t' | b'\n' | b'\r' | b' ' => 3,
        1..=0x1f | 0x7f => 2,
        b'0'..=b'9' => 4,
        b'a'..=b'z' => 5,
        b'A'..=b'Z' => 6,
        0x21..=0x7e => 7,
        _ => 8,
    }
}

/// Frequency of each byte, in parts per million, in an even mix of
/// binaries (ELF executables and shared libraries: `/usr/bin`, a JDK's
/// `lib/*.so`) and text (Rust, Markdown and TOML sources of crates.io
/// packages), 230 MiB of both.
#[rustfmt::skip]
const BYTES: [u32; 256] = [
    111364,  11612,   7639,   3431,   3831,   3985,   2332,   2251,   5648,   1932,  15343,   1277,   1475,   1976,   1596,   5643,
      3835,   2637,   1312,    953,   1099,   1115,    764,    724,   2479,    764,    662,    638,    671,    906,    680,   1617,
    104807,   1840,   6574,   2804,  15296,    934,   1574,   1670,   8362,   7433,   1615,    644,  10648,   2255,   7501,  10177,
      4925,   5031,   3709,   3043,   2010,   1615,   2005,   1110,   2905,   1987,  12560,   4573,   1590,   5060,   2071,    971,
      2578,   4479,   2203,   3027,   6125,   4541,   2458,   1539,  26840,   5213,    551,    873,   7128,   2725,   2950,   2879,
      3513,    565,   3148,   4079,   4790,   1973,   1425,    851,   1653,    763,    576,   2111,   2171,   2032,    313,  13295,
      2928,  18570,   7202,  12488,   9976,  33875,   8994,   7380,   6491,  18098,    581,   2326,  13449,   8471,  20217,  18409,
     12021,   1209,  20741,  18132,  29948,  14406,   3227,   2828,   3646,   4670,   1205,   2649,   1466,   2591,    308,    441,
      1875,    994,    499,   2916,   2439,   1835,    759,    360,    989,  11162,    300,   9833,   1229,   4516,    356,    381,
      1814,    345,    375,    287,   1069,    313,    331,    278,    769,    302,    292,    332,    879,    285,    269,    321,
      1184,    263,    271,    259,    380,    287,    350,    300,    665,    300,    329,    276,    912,    278,    309,    329,
       755,    309,    283,    273,    582,    269,    644,    382,    840,    533,    457,    633,    983,    340,    400,    647,
      2325,   1132,    590,   1842,   1398,    362,    634,   1003,    902,    870,    488,    454,   9948,    276,    381,    509,
      1067,    706,    670,    479,    326,    260,    476,    442,    700,    533,    352,    747,    291,    243,    351,    426,
      1174,    789,    471,    361,    401,    292,    318,    308,   4264,   1192,    387,   1673,    873,    333,    332,    459,
      1113,    477,    385,    396,    313,    271,    607,    578,    849,    647,    664,    578,    413,    490,   1055,  12820,
];

/// How much more (or less) often than by chance a byte of one class (row)
/// is followed by a byte of another (column), in percent, in the same mix:
/// NUL runs, letters after letters, digits after digits are common.
#[rustfmt::skip]
const FOLLOWS: [[u32; CLASSES]; CLASSES] = [
    [  570,    76,   120,     8,    31,    10,    94,    19,    86],
    [   39,  3723,    46,     3,    45,     7,   248,    11,   132],
    [  272,    35,   392,    22,    71,     9,   120,    38,   142],
    [   11,     3,    25,   404,    91,    72,    67,   108,    10],
    [   37,    64,    78,    49,  1164,    19,    78,   179,   104],
    [    7,     8,    21,    58,    49,   242,    22,    99,     8],
    [   19,    38,    81,    11,    92,    42,   301,    98,   275],
    [   19,    15,    81,   188,   106,    71,   104,   199,    56],
    [   62,   264,   231,    14,    71,    20,   147,    84,   319],
];

/// How much more often than its class says a byte follows itself, in
/// tenths, per class: runs of punctuation (`--`, `==`, `**`) and of high
/// bytes are common.
const REPEATS: [u32; CLASSES] = [10, 10, 11, 12, 12, 4, 4, 49, 66];

/// Letter pairs, case folded: how much more (or less) often than the
/// average pair of letters a letter (row) is followed by another (column),
/// in percent, in the same mix (`qu`, `ub`, `in`, `ck` are common; `hn`,
/// `lh`, `ii` are not).
#[rustfmt::skip]
const LETTERS: [[u32; 26]; 26] = [
//       a   b   c   d   e   f   g   h   i   j   k   l   m   n   o   p   q   r   s   t   u   v   w   x   y   z
    [   5, 121, 231, 137,   3,  63, 149,   4,  96,  28, 118, 304, 193, 199,   2, 147,  21, 299, 200, 257,  55,  84, 107, 102, 161,  44], // a
    [  76,  20,  34,  10,  73,  10,  10,   6, 241, 345,  17, 139,  12,   7, 108,  23,  26,  45,  34,  18, 466,  21,  15,  13, 424,  96], // b
    [ 171,  12,  39,  15, 102, 100,  24, 132, 108,  26, 790,  96,  39,   7, 789,  28,  44, 134,  36, 125,  52,  40,  15,  13,  44,  14], // c
    [  76,  44,  13,  73, 294,  29, 186,   9, 133,  39,  14,  27,  19,   8, 103,  19,  25,  46,  49,  10,  67,  33,  29,  17,  48,  16], // d
    [  76, 139, 123, 156,  16,  77,  59,   3,  10,  21,  48, 153, 120, 227,   8,  44, 502, 350, 187, 114,   9, 179, 129, 308,  69,  14], // e
    [ 112,  12,  15,  46,  86, 196, 155,   5, 239,  27,  15, 180,  57, 129, 284,  10,  21,  93,  65,  23,  98,   8,  23,   7,  36,  16], // f
    [  26,  11,  18,   7, 292,  10,  29,  30, 225,  34,  19,  42,  29,  58, 196,  15,  33,  75, 100,  15,  46,  23,  18,  14,  25,  58], // g
    [  79,   5,   7,   7,  80,   4,   7,  35,  41,  11,  12,  10,  13,   1,  39,   3,   7,   9,   5,  15,  69,   5,  13,   4,   9,  14], // h
    [  49,  54, 158, 156,  46, 204, 144,   5,   6,  22,  36,  89, 220, 641, 189,  62,  18,  29, 160, 218,   6, 264,   6,  85,   3, 985], // i
    [  39,  38,  22,  20, 106,  33,  33,  44,  26, 277, 159,  20,  32,  13,  93,  36, 169,  14, 370,  11,  84,  72,  80,  76,  50, 153], // j
    [  44,  34,  32,  35, 422,  35, 194,  15, 156,  93,  35,  27,  21,  47,  16,  26,  64,  17,  82,  18,  61,  60,  64,  32,  32,  55], // k
    [ 160,  13,  13, 118, 200, 245,  14,   2, 217,  20,  33, 119,   9,   4, 174,  13,  13,   4,  50,  39,  88,  34,  34,   3, 133,  39], // l
    [ 398,  85,  21,  36, 249,  10,  11,   5, 106,  28,  22,  25,  67,   7, 178, 314,  36,   6, 108,  22, 247,  18,  13,   7, 170,  24], // m
    [ 101,  13, 141, 283, 163, 112, 541,   3,  63,  21, 154,  63,  17,  24, 129,  39,  15,  11, 290, 259,  61,  90,  86,   5,  66,  25], // n
    [  15,  83, 149, 142,   4, 125, 133,   3,  23,  62, 302,  83, 395, 615,  69, 192,   9, 339,  55,  83, 159, 124, 326,  41,   6,  18], // o
    [ 230,   9,  24,  19, 195,  51,  13,  81,  72,  26, 142, 144,  16,   3, 119,  75,  22, 213,  47, 118, 609,  53,  16,  12, 138,  14], // p
    [  14,  24,  31,  29,  12,  20,  42,  30,  12, 155,  58,  17,  27,  16,  15,  27, 159,  17,  19,   7, 929,  47,  55,  57,  42,  97], // q
    [ 263,  13,  56, 110, 257,  38, 224,   3, 175,  13, 108,  18,  81,  68, 230,  27,  14,  87, 103,  81, 134,  89,  34,  16, 206,  19], // r
    [  52,  12,  87,   7, 262,  10,  92,  58, 151,  23, 132,  28,  32,  10,  87, 115,  47,  16, 111, 346, 116,  20,  36,   8, 160,  24], // s
    [ 165,   8,  48,  21, 176,  27,   5, 149, 161,  18,  18,  19,  27,   4, 142,  50,  13, 193,  53,  43,  66,  21,  42,  36, 627,  20], // t
    [  25,1171,  86,  26,  75, 104, 286,   4,  79,  35,  12, 143, 146, 228,  10,  93,  28, 127, 206, 158,  12,  10,  12, 151,   6,  23], // u
    [ 531,  27,  41,  17, 491,  63,  19,  11, 168, 157,  37,  37,  49,  15,  45,  15,  82,  10,  15,   8,  10,  26,  38, 122,  19,  56], // v
    [ 245,  19,  21,  22,  85,  21,  17, 125, 451, 103,  34,  24,  24,  95, 128,  20,  74, 238,  43,  13,  10,  27, 104,  37,  20,  55], // w
    [  71,  66,  63,  75,  48,  93,  16, 195,  40,  83,  25,  64,  43,   6,  10, 205,  74,   7,  18, 115,   9,  38,  27, 266,  40,  66], // x
    [  11,  36,  17,  12,  14,  27,  14,   7,  18,  60,  24,  34,  49,  74,  44, 943,  35,  14, 144,  88,   7,  32,  77,  17,  14,  73], // y
    [  54,  26,  20,  23, 664,  33,  21,  21,  40, 160,  67,  19,  66,  10,  35,  28, 110,  10,  57,   6,  14,  64,  71,  61, 142, 203], // z
];

/// The model's estimated frequency of every byte pair `b0 | b1 << 8`: the
/// frequencies of its bytes, times how much more often than by chance
/// their classes follow each other, times the correction for runs or for
/// letter pairs.
fn pair_weights() -> Vec<f64> {
    (0..65536usize)
        .map(|p| {
            let (x, y) = (p as u8, (p >> 8) as u8);
            let (cx, cy) = (class(x), class(y));
            let mut w = BYTES[x as usize] as f64 * BYTES[y as usize] as f64 * 1e-12;
            w *= FOLLOWS[cx][cy] as f64 / 100.0;
            if x == y {
                w *= REPEATS[cx] as f64 / 10.0;
            }
            if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() {
                let (i, j) = (x.to_ascii_lowercase() - b'a', y.to_ascii_lowercase() - b'a');
                w *= LETTERS[i as usize][j as usize] as f64 / 100.0;
            }
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, Input, MatchKind};

    /// The scanner's anchors, as `scan::Catalogue` gathers them.
    fn anchors() -> Vec<&'static str> {
        let mut all: Vec<&'static str> = Vec::new();
        for kind in crate::tokens::KINDS {
            all.extend(kind.anchors);
        }
        for kind in crate::tokens::PAIRS {
            all.extend(kind.anchors);
        }
        all.extend(crate::generic::KEYWORDS);
        all.extend(["-----BEGIN ", "://"]);
        all
    }

    /// Patterns that stress the edges: one and two bytes, duplicates, one
    /// starting or inside another, NUL and 0xFF, longer than a slot's head
    /// and than 255 bytes.
    fn tricky() -> Vec<Vec<u8>> {
        let mut p: Vec<Vec<u8>> = [
            "a",
            "b",
            "ab",
            "ba",
            "aba",
            "abab",
            "bab",
            "sk-",
            "sk-ant-",
            "sk-ant-api03-",
            "ant",
            "ant",
            "API-",
            "DD-API-KEY",
            "aaaa",
            "aaaaaaaaa",
            "ab\0",
            "\0\0",
            "ba\u{7f}",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        p.push(vec![0xff, 0xff, 0xff]);
        p.push(b"abcdefghijklmnopqrstuvwxyz".to_vec());
        p.push((0..300).map(|i| b"ab"[i % 2]).collect());
        p.push((0..300).map(|i| (i % 251) as u8).collect());
        p
    }

    /// Aho-Corasick's overlapping matches from `from`, sorted.
    fn reference(ac: &AhoCorasick, haystack: &[u8], from: usize) -> Vec<(usize, usize)> {
        if from > haystack.len() {
            return Vec::new();
        }
        let input = Input::new(haystack).span(from..haystack.len());
        let mut v: Vec<(usize, usize)> = ac
            .find_overlapping_iter(input)
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        v.sort_unstable();
        v
    }

    fn ours(pf: &Prefilter, haystack: &[u8], from: usize) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        pf.for_each(haystack, from, |p, s| v.push((p, s)));
        v.sort_unstable();
        v
    }

    fn automaton<P: AsRef<[u8]>>(patterns: &[P]) -> AhoCorasick {
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .expect("patterns compile")
    }

    /// Both agree on `haystack` from 0, from a few offsets (near the start,
    /// the middle, the end) and from past the end.
    fn check(pf: &Prefilter, ac: &AhoCorasick, haystack: &[u8], rng: &mut Rng) {
        let n = haystack.len();
        let mut froms = vec![0, 1, 2, 3, n / 2, n.saturating_sub(1), n, n + 1];
        froms.push(rng.below(n + 1));
        for from in froms {
            assert_eq!(
                ours(pf, haystack, from),
                reference(ac, haystack, from),
                "from {from} in {} bytes",
                n
            );
        }
    }

    /// xorshift64: reproducible haystacks.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                (self.next() % n as u64) as usize
            }
        }
    }

    /// A haystack of `len` bytes of noise (any byte, or only bytes of the
    /// patterns, which makes near misses common) with patterns planted:
    /// at both ends, next to each other, overlapping, inside each other.
    fn planted<P: AsRef<[u8]>>(patterns: &[P], len: usize, rng: &mut Rng) -> Vec<u8> {
        let alphabet: Vec<u8> = {
            let mut a: Vec<u8> = patterns
                .iter()
                .flat_map(|p| p.as_ref().iter().copied())
                .collect();
            a.sort_unstable();
            a.dedup();
            a
        };
        let narrow = rng.next().is_multiple_of(2);
        let mut h: Vec<u8> = (0..len)
            .map(|_| {
                if narrow {
                    alphabet[rng.below(alphabet.len())]
                } else {
                    rng.next() as u8
                }
            })
            .collect();
        if len == 0 {
            return h;
        }
        let plants = 1 + rng.below(len / 8 + 2);
        let mut last = 0;
        for k in 0..plants {
            let p = patterns[rng.below(patterns.len())].as_ref();
            if p.len() > len {
                continue;
            }
            let at = match k {
                0 => 0,
                1 => len - p.len(),
                // Overlapping or right after the last one planted.
                _ if rng.next().is_multiple_of(3) => (last + rng.below(4)).min(len - p.len()),
                _ => rng.below(len - p.len() + 1),
            };
            h[at..at + p.len()].copy_from_slice(p);
            last = at + p.len() / 2;
        }
        h
    }

    #[test]
    fn anchors_planted_in_random_bytes() {
        let anchors = anchors();
        let pf = Prefilter::new(&anchors).expect("anchors build");
        let ac = automaton(&anchors);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..3000 {
            let len = match round % 4 {
                0 => rng.below(40),
                1 => rng.below(300),
                _ => rng.below(3000),
            };
            let h = planted(&anchors, len, &mut rng);
            check(&pf, &ac, &h, &mut rng);
        }
    }

    #[test]
    fn tricky_patterns_planted_in_random_bytes() {
        let patterns = tricky();
        let pf = Prefilter::new(&patterns).expect("patterns build");
        let ac = automaton(&patterns);
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for round in 0..1000 {
            let len = if round % 2 == 0 {
                rng.below(64)
            } else {
                rng.below(1000)
            };
            let h = planted(&patterns, len, &mut rng);
            check(&pf, &ac, &h, &mut rng);
        }
    }

    #[test]
    fn every_short_haystack() {
        // Every haystack of up to 8 bytes over `a`, `b`, `c` and NUL, from
        // every offset.
        let patterns: &[&[u8]] = &[
            b"a", b"ab", b"abc", b"ca", b"cab", b"bca", b"\0a", b"ccc", b"abca", b"cabca",
        ];
        let pf = Prefilter::new(patterns).expect("patterns build");
        let ac = automaton(patterns);
        let symbols = [b'a', b'b', b'c', 0];
        for len in 0..=8u32 {
            for mut code in 0..4usize.pow(len) {
                let mut h = Vec::with_capacity(len as usize);
                for _ in 0..len {
                    h.push(symbols[code % 4]);
                    code /= 4;
                }
                for from in 0..=h.len() + 1 {
                    assert_eq!(
                        ours(&pf, &h, from),
                        reference(&ac, &h, from),
                        "{h:?} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn long_haystacks_at_every_alignment() {
        // Blocks of 32 bytes with a tail: anchors across every block
        // boundary, at every offset `from`.
        let anchors = anchors();
        let pf = Prefilter::new(&anchors).expect("anchors build");
        let ac = automaton(&anchors);
        let mut h = [b'.'; 200];
        for (i, a) in [
            "ghp_",
            "://",
            "password",
            "SK0",
            "-----BEGIN ",
            "xoxe.xoxb-",
        ]
        .iter()
        .enumerate()
        {
            for at in (i * 3..200 - a.len()).step_by(29) {
                h[at..at + a.len()].copy_from_slice(a.as_bytes());
            }
        }
        for end in 150..=200 {
            for from in 0..40 {
                assert_eq!(
                    ours(&pf, &h[..end], from),
                    reference(&ac, &h[..end], from),
                    "{end} from {from}"
                );
            }
        }
    }

    #[test]
    fn empty_and_tiny() {
        let anchors = anchors();
        let pf = Prefilter::new(&anchors).expect("anchors build");
        let mut none = 0;
        for h in [
            &b""[..],
            b"g",
            b"gh",
            b"ghp",
            b"ghp_",
            b"://",
            b"://x",
            b"x://",
        ] {
            for from in 0..6 {
                pf.for_each(h, from, |_, _| none += 1);
            }
        }
        // ghp_ from 0; :// three times from 0, once from 1 (x://).
        let ac = automaton(&anchors);
        let want: usize = [
            &b""[..],
            b"g",
            b"gh",
            b"ghp",
            b"ghp_",
            b"://",
            b"://x",
            b"x://",
        ]
        .iter()
        .map(|h| {
            (0..6)
                .map(|from| reference(&ac, h, from).len())
                .sum::<usize>()
        })
        .sum();
        assert_eq!(none, want);
        assert_eq!(ours(&pf, b"ghp_", 0), [(0, 0)]);
        assert!(ours(&pf, b"ghp_", 1).is_empty());
        assert!(ours(&pf, b"ghp", 0).is_empty());
    }

    #[test]
    fn errors() {
        assert_eq!(
            Prefilter::new(["ab", ""]).err(),
            Some(BuildError::EmptyPattern(1))
        );
        let pf = Prefilter::new(Vec::<&[u8]>::new()).expect("no patterns is fine");
        assert!(ours(&pf, b"anything at all, long enough for a block or two", 0).is_empty());
        let pf = Prefilter::new(["x"]).expect("one byte");
        assert_eq!(ours(&pf, b"xax", 0), [(0, 0), (0, 2)]);
        assert_eq!(pf.patterns_len(), 1);
        assert_eq!(pf.pattern(0), b"x");
    }

    /// Which files of a directory to read, by name.
    type Keep = fn(&str) -> bool;

    /// Up to `budget` bytes of the files under `dir` whose name satisfies
    /// `keep`, at most `each` bytes of each.
    fn files(
        dir: &std::path::Path,
        keep: Keep,
        each: usize,
        budget: &mut usize,
        out: &mut Vec<Vec<u8>>,
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if *budget == 0 {
                return;
            }
            if path.is_dir() {
                files(&path, keep, each, budget, out);
            } else if path.file_name().and_then(|n| n.to_str()).is_some_and(keep) {
                if let Ok(mut bytes) = std::fs::read(&path) {
                    bytes.truncate(each.min(*budget));
                    *budget -= bytes.len();
                    out.push(bytes);
                }
            }
        }
    }

    #[test]
    fn real_files() {
        // Shared libraries, documentation and Python sources of this
        // machine, where it has them.
        let mut found = Vec::new();
        let sources: [(&str, Keep); 4] = [
            ("/usr/lib/x86_64-linux-gnu", |n| n.contains(".so")),
            ("/usr/share/doc", |n| !n.ends_with(".gz")),
            ("/usr/lib/python3", |n| n.ends_with(".py")),
            ("/usr/include", |_| true),
        ];
        for (dir, keep) in sources {
            let mut budget = 6 << 20;
            files(
                std::path::Path::new(dir),
                keep,
                1 << 20,
                &mut budget,
                &mut found,
            );
        }
        let anchors = anchors();
        let pf = Prefilter::new(&anchors).expect("anchors build");
        let ac = automaton(&anchors);
        let mut rng = Rng(7);
        let mut matches = 0;
        for bytes in &found {
            let want = reference(&ac, bytes, 0);
            assert_eq!(ours(&pf, bytes, 0), want);
            matches += want.len();
            let from = rng.below(bytes.len() + 1);
            assert_eq!(ours(&pf, bytes, from), reference(&ac, bytes, from));
        }
        eprintln!("{} files, {matches} anchors", found.len());
    }
}
