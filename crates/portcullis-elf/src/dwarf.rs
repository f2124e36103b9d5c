//! DWARF: the first DIE of each compilation unit, for `DW_AT_name` and
//! `DW_AT_comp_dir` (versions 2 to 5, 32- and 64-bit DWARF).

/// The sections read.
pub(crate) const SECTIONS: &[&str] = &[
    ".debug_info",
    ".debug_abbrev",
    ".debug_str",
    ".debug_line_str",
    ".debug_str_offsets",
];

/// The most source paths kept.
pub const MAX_SOURCE_PATHS: usize = 64;
/// The most compilation units looked at.
const MAX_UNITS: usize = 1 << 16;

pub(crate) struct Sections<'a> {
    pub info: &'a [u8],
    pub abbrev: &'a [u8],
    pub str: &'a [u8],
    pub line_str: &'a [u8],
    pub str_offsets: &'a [u8],
}

const DW_AT_NAME: u64 = 0x03;
const DW_AT_COMP_DIR: u64 = 0x1b;
const DW_AT_STR_OFFSETS_BASE: u64 = 0x72;

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
    big: bool,
}

impl<'a> Cursor<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }
    fn uint(&mut self, n: usize) -> Option<u64> {
        let b = self.bytes(n)?;
        let mut v = 0u64;
        for i in 0..n {
            let byte = if self.big { b[i] } else { b[n - 1 - i] };
            v = (v << 8) | u64::from(byte);
        }
        Some(v)
    }
    fn uleb(&mut self) -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = *self.b.get(self.at)?;
            self.at += 1;
            if shift < 64 {
                v |= u64::from(byte & 0x7f) << shift;
            }
            shift += 7;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
    }
    fn cstr(&mut self) -> Option<&'a [u8]> {
        let rest = self.b.get(self.at..)?;
        let len = memchr::memchr(0, rest)?;
        self.at += len + 1;
        rest.get(..len)
    }
}

/// A value of an attribute we want.
enum Value<'a> {
    Inline(&'a [u8]),
    Str(u64),
    LineStr(u64),
    StrIndex(u64),
    Number(u64),
    Other,
}

/// Sources named by the compilation units, sorted; what could not be read
/// goes to `notes`.
pub(crate) fn source_paths(big: bool, s: &Sections<'_>, notes: &mut Vec<String>) -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    let mut cu = Cursor {
        b: s.info,
        at: 0,
        big,
    };
    let mut units = 0;
    while cu.at < s.info.len() && units < MAX_UNITS && paths.len() < MAX_SOURCE_PATHS {
        units += 1;
        let unit_start = cu.at;
        let Some(mut length) = cu.uint(4) else { break };
        let mut offset_size = 4;
        if length == 0xffff_ffff {
            offset_size = 8;
            let Some(l) = cu.uint(8) else { break };
            length = l;
        }
        let Some(next) = usize::try_from(length)
            .ok()
            .and_then(|l| cu.at.checked_add(l))
            .filter(|&n| n <= s.info.len())
        else {
            notes.push(format!(
                "debug info unit at {unit_start} runs past its section: later source paths not read"
            ));
            break;
        };
        match unit_name(&mut cu, offset_size, s) {
            Some(Some(path)) => {
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
            Some(None) => {}
            None => {
                notes.push(format!(
                    "debug info unit at {unit_start} not understood: its source path not read"
                ));
            }
        }
        cu.at = next;
    }
    paths.sort();
    paths
}

/// The unit's source path: `None` when the unit cannot be read,
/// `Some(None)` when it names none.
fn unit_name(cu: &mut Cursor<'_>, offset_size: usize, s: &Sections<'_>) -> Option<Option<String>> {
    let version = cu.uint(2)?;
    let (abbrev_offset, address_size) = match version {
        2..=4 => {
            let abbrev = cu.uint(offset_size)?;
            (abbrev, cu.uint(1)?)
        }
        5 => {
            let unit_type = cu.uint(1)?;
            let address_size = cu.uint(1)?;
            let abbrev = cu.uint(offset_size)?;
            match unit_type {
                // DW_UT_skeleton, DW_UT_split_compile: dwo_id.
                4 | 5 => {
                    cu.bytes(8)?;
                }
                // DW_UT_type, DW_UT_split_type: signature and type offset.
                2 | 6 => {
                    cu.bytes(8)?;
                    cu.bytes(offset_size)?;
                }
                _ => {}
            }
            (abbrev, address_size)
        }
        _ => return None,
    };
    let code = cu.uleb()?;
    if code == 0 {
        return Some(None);
    }
    let specs = abbreviation(s.abbrev, usize::try_from(abbrev_offset).ok()?, code, cu.big)?;
    let mut name = None;
    let mut dir = None;
    let mut base = None;
    for (attr, form, implicit) in specs {
        let value = value(
            cu,
            form,
            implicit,
            offset_size,
            address_size as usize,
            version,
        )?;
        match attr {
            DW_AT_NAME => name = Some(value),
            DW_AT_COMP_DIR => dir = Some(value),
            DW_AT_STR_OFFSETS_BASE => {
                if let Value::Number(n) = value {
                    base = Some(n);
                }
            }
            _ => {}
        }
    }
    // DWARF 5's string offsets table starts after its 8-byte header.
    let base = base.unwrap_or(if offset_size == 8 { 16 } else { 8 });
    let text = |v: Value<'_>| -> Option<String> {
        let bytes = match v {
            Value::Inline(b) => b,
            Value::Str(o) => c_str(s.str, o)?,
            Value::LineStr(o) => c_str(s.line_str, o)?,
            Value::StrIndex(i) => {
                let at = base.checked_add(i.checked_mul(offset_size as u64)?)?;
                let mut c = Cursor {
                    b: s.str_offsets,
                    at: usize::try_from(at).ok()?,
                    big: cu.big,
                };
                c_str(s.str, c.uint(offset_size)?)?
            }
            Value::Number(_) | Value::Other => return None,
        };
        Some(String::from_utf8_lossy(bytes).into_owned())
    };
    let Some(name) = name.and_then(text) else {
        return Some(None);
    };
    if name.starts_with('/') {
        return Some(Some(name));
    }
    Some(Some(match dir.and_then(text) {
        Some(dir) if dir.ends_with('/') => format!("{dir}{name}"),
        Some(dir) => format!("{dir}/{name}"),
        None => name,
    }))
}

fn c_str(b: &[u8], at: u64) -> Option<&[u8]> {
    let rest = b.get(usize::try_from(at).ok()?..)?;
    rest.get(..memchr::memchr(0, rest)?)
}

/// The (attribute, form, implicit constant) list of abbreviation `code`
/// in the table at `offset`.
fn abbreviation(
    abbrev: &[u8],
    offset: usize,
    code: u64,
    big: bool,
) -> Option<Vec<(u64, u64, i64)>> {
    let mut c = Cursor {
        b: abbrev,
        at: offset,
        big,
    };
    loop {
        let this = c.uleb()?;
        if this == 0 {
            return None;
        }
        let _tag = c.uleb()?;
        c.bytes(1)?;
        let mut specs = Vec::new();
        loop {
            let attr = c.uleb()?;
            let form = c.uleb()?;
            if attr == 0 && form == 0 {
                break;
            }
            // DW_FORM_implicit_const carries its value here.
            let implicit = if form == 0x21 { c.uleb()? as i64 } else { 0 };
            if this == code {
                specs.push((attr, form, implicit));
            }
        }
        if this == code {
            return Some(specs);
        }
    }
}

fn value<'a>(
    c: &mut Cursor<'a>,
    form: u64,
    implicit: i64,
    offset_size: usize,
    address_size: usize,
    version: u64,
) -> Option<Value<'a>> {
    Some(match form {
        0x08 => Value::Inline(c.cstr()?),
        0x0e => Value::Str(c.uint(offset_size)?),
        0x1f => Value::LineStr(c.uint(offset_size)?),
        0x1a => Value::StrIndex(c.uleb()?),
        0x25 => Value::StrIndex(c.uint(1)?),
        0x26 => Value::StrIndex(c.uint(2)?),
        0x27 => Value::StrIndex(c.uint(3)?),
        0x28 => Value::StrIndex(c.uint(4)?),
        0x1f02 => Value::StrIndex(c.uleb()?),
        // sec_offset (str_offsets_base is one).
        0x17 => Value::Number(c.uint(offset_size)?),
        0x0b => Value::Number(c.uint(1)?),
        0x05 => Value::Number(c.uint(2)?),
        0x06 => Value::Number(c.uint(4)?),
        0x07 => Value::Number(c.uint(8)?),
        0x0f => Value::Number(c.uleb()?),
        0x21 => Value::Number(implicit as u64),
        _ => {
            skip(c, form, offset_size, address_size, version)?;
            Value::Other
        }
    })
}

/// Step over a value of a form we do not need.
fn skip(
    c: &mut Cursor<'_>,
    form: u64,
    offset_size: usize,
    address_size: usize,
    version: u64,
) -> Option<()> {
    let n = match form {
        0x01 => address_size,
        0x03 => c.uint(2)? as usize,
        0x04 => c.uint(4)? as usize,
        0x09 | 0x18 => usize::try_from(c.uleb()?).ok()?,
        0x0a => c.uint(1)? as usize,
        0x0c | 0x11 | 0x29 => 1,
        0x12 | 0x2a => 2,
        0x2b => 3,
        0x13 | 0x1c | 0x2c => 4,
        0x14 | 0x20 | 0x24 => 8,
        0x1e => 16,
        0x0d | 0x15 | 0x1b | 0x22 | 0x23 | 0x1f01 => {
            c.uleb()?;
            0
        }
        0x10 => {
            if version == 2 {
                address_size
            } else {
                offset_size
            }
        }
        0x1d | 0x1f20 | 0x1f21 => offset_size,
        0x19 => 0,
        0x16 => {
            let real = c.uleb()?;
            return value(c, real, 0, offset_size, address_size, version).map(|_| ());
        }
        _ => return None,
    };
    c.bytes(n).map(|_| ())
}
