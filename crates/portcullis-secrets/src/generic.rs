//! Secrets without a recognisable shape: a name that says it is secret
//! (`*_PASSWORD`, `*_SECRET`, `SECRET_KEY`, `*_TOKEN`, `password=` in a
//! JDBC or application config, `mysql -p…`) assigned a real-looking value,
//! and credentials in network URIs (`scheme://user:password@host`).
//!
//! # Assignments ([`assignment`])
//!
//! From a keyword hit the detector finds the *name* the keyword is part of
//! (letters, digits, `_`, `-`, `.` around it: `DB_PASSWORD`,
//! `spring.datasource.password`, `"client_secret"`, `--api-key`). The name
//! counts ([`secret_name`]) when its last keyword ends a part of it (parts
//! are split at `_`, `-`, `.` and lower-to-upper camelCase steps), possibly
//! glued to a prefix (`PGPASSWORD`, `dbpassword`) or followed by `key`
//! (`SECRETKEY`), digits, or a few parts that keep the meaning (`_KEY`,
//! `_VALUE`, `_B64`, `_PROD`, …). So `DB_PASSWORD`, `dbPassword`,
//! `secretKey`, `SECRET_ACCESS_KEY`, `x-api-key` count and `TOKENIZER`,
//! `secretary`, `password_min_length`, `token_type`, `token_url`,
//! `secret_name`, `PASSWORD_FILE`, `passwordHash`, `AWS_ACCESS_KEY_ID` do
//! not; nor do names whose word before the keyword makes it something else
//! (`csrf_token`, `next_token`, `max_tokens`, `pad_token`, `public_key`…).
//!
//! Then an assignment: `=`, `:`, `:=`, `=>`, `?=`, `||=` (not `==`, `!=`,
//! `=~`, `::`); `--password value` and `--password=value`; XML
//! `<password>v</password>`, `<add key="Password" value="v"/>`,
//! `<entry key="password">v</entry>`; PHP `define('DB_PASSWORD', 'v')`;
//! a name/value pair (`- name: DB_PASSWORD` then `value: v`, ECS/K8s
//! `{"name": "DB_PASSWORD", "value": "v"}`); a shell default
//! (`${DB_PASSWORD:-v}`); escaped JSON (`{\"password\":\"v\"}`); the
//! legacy Dockerfile `ENV DB_PASSWORD v`. A name preceded by `$`, `%`, `@`
//! or `://` is a reference or a URI, not an assignment. Commands are read
//! as shell words (quotes kept together, `\`-continued lines followed, the
//! command ending at `;`, `|`, `&`, a redirection or a newline): the
//! `mysql`/`mariadb` tools' `-pVALUE` (a bare `-p` prompts), `sshpass -p
//! VALUE`, `curl -u user:VALUE` (`--user`, `--proxy-user`, `-U`),
//! `echo 'root:VALUE' | chpasswd`, and `Bearer VALUE`.
//!
//! The value is quoted (double, single or back quotes, on one line) or
//! bare (up to whitespace, a quote, or one of `,;&|<>()[]{}`); it is
//! reported (SQ34303, `generic-secret`) only when it passes
//! [`real_looking`] and holds no `$NAME` interpolation.
//!
//! Cost (release build, counted with callgrind): about 2K instructions for
//! a keyword hit that is no assignment, 5K for a hit in a run of keywords
//! (`passwordTOKENsecret…`), 11K for one whose value goes through every
//! check, 7K for a URI with credentials; each looks at a bounded window, so
//! a file of hits only costs its number of hits.
//!
//! # URIs ([`uri`])
//!
//! `scheme://user:password@host`: the authority ends at whitespace, a quote,
//! `/`, `?`, `#` or `\`; the userinfo is what comes before its last `@`
//! (as WHATWG URL parsers split it, so a raw `@` in a password stays in the
//! password), the password what follows the userinfo's first `:`.
//! Template placeholders (`{{ .Values.pw }}`, `<password>`) are allowed
//! inside. SQ34301 when the password is a [`placeholder`] (raw or
//! percent-decoded; that list includes the defaults `pass`, `pwd`, `user`,
//! `admin`, `root`, `guest`, `test`), holds a `$VAR`, or equals the user
//! name (`guest:guest`, `postgres:postgres`); SQ34302 when it is made
//! of RFC 3986 userinfo characters (unreserved, percent-encoded,
//! sub-delimiters, `:`, and that raw `@`); `None` otherwise, without a
//! password, or with an empty one.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use memchr::memmem;

use crate::tokens::{LOOKAHEAD, LOOKBEHIND};
use crate::{Code, Found};

/// Case-sensitive literals the prefilter looks for to call [`assignment`].
///
/// Every keyword costs scanning speed (one automaton runs over every byte
/// of every file), so these are the casings names are really written in,
/// each at least four bytes: no `pwd`, `pass` or `key`, which would hit
/// in most text. `mysql`, `mariadb`, `sshpass` and `Bearer` anchor commands
/// rather than names.
pub static KEYWORDS: &[&str] = &[
    "password",
    "Password",
    "PASSWORD",
    "passwd",
    "Passwd",
    "PASSWD",
    "passphrase",
    "Passphrase",
    "PASSPHRASE",
    "secret",
    "Secret",
    "SECRET",
    "token",
    "Token",
    "TOKEN",
    "api_key",
    "apikey",
    "apiKey",
    "ApiKey",
    "APIKEY",
    "API_KEY",
    "api-key",
    "Api-Key",
    "API-Key",
    "API-KEY",
    "private_key",
    "privateKey",
    "PrivateKey",
    "PRIVATE_KEY",
    "access_key",
    "accessKey",
    "AccessKey",
    "ACCESS_KEY",
    "credential",
    "Credential",
    "CREDENTIAL",
    "mysql",
    "mariadb",
    "sshpass",
    "curl",
    "Bearer",
];

/// Keywords that anchor a command, not a name: the last ones of
/// [`KEYWORDS`], in the same order (a test checks).
const COMMANDS: &[&str] = &["mysql", "mariadb", "sshpass", "curl", "Bearer"];

/// The longest name read on either side of a keyword (no secret's name is
/// longer; a keyword in a longer run of name bytes is not assigned to).
const MAX_NAME: usize = 64;

/// The shortest value [`real_looking`] accepts. Six- and seven-byte values
/// assigned to secret-sounding names in images are overwhelmingly defaults
/// and placeholders (`secret`, `admin1`, `mysql12`); precision first.
pub const MIN_LEN: usize = 8;
/// The longest value [`real_looking`] accepts.
pub const MAX_LEN: usize = 1024;

/// Parts that may follow a keyword without changing what the name means
/// (compared case-insensitively, trailing digits ignored).
const TAIL_OK: &[&str] = &[
    "key",
    "keys",
    "value",
    "val",
    "str",
    "string",
    "b64",
    "base64",
    "raw",
    "plain",
    "plaintext",
    "hex",
    "bytes",
    "secret",
    "token",
    "password",
    "pass",
    "pw",
    "pwd",
    "passphrase",
    "phrase",
    "access",
    "prod",
    "production",
    "dev",
    "development",
    "staging",
    "stage",
    "test",
    "live",
    "local",
    "qa",
    "uat",
    "sandbox",
    "new",
    "old",
    "current",
];

/// Words before a keyword that make the name something other than a secret
/// (pagination and CSRF tokens, tokenizer settings, counters, flags).
const DENY_BEFORE: &[&str] = &[
    "next",
    "page",
    "continuation",
    "cursor",
    "csrf",
    "xsrf",
    "cancellation",
    "cancel",
    "max",
    "min",
    "num",
    "count",
    "public",
    "publishable",
    "is",
    "has",
    "no",
    "use",
    "enable",
    "enabled",
    "disable",
    "disabled",
    "require",
    "required",
    "show",
    "hide",
    "allow",
    "mock",
    "fake",
    "dummy",
    "example",
    "sample",
    "pad",
    "bos",
    "eos",
    "unk",
    "sep",
    "cls",
    "mask",
];

/// The tool names whose `-pVALUE` is a password.
const MYSQL_TOOLS: &[&[u8]] = &[
    b"mysql",
    b"mysqldump",
    b"mysqladmin",
    b"mysqlimport",
    b"mysqlcheck",
    b"mysqlshow",
    b"mysqlslap",
    b"mysqlpump",
    b"mariadb",
    b"mariadb-dump",
    b"mariadb-admin",
    b"mariadb-import",
    b"mariadb-check",
    b"mariadb-show",
    b"mariadb-slap",
];

/// `text` holds one of [`KEYWORDS`] at `at` (with the same look-behind and
/// look-ahead as tokens). The secret value assigned there, when it passes
/// the precision checks (length, entropy, not a placeholder, not a variable
/// reference, not a hash, UUID or path).
///
/// Looks at no more than [`LOOKBEHIND`] bytes before `at` and
/// [`LOOKAHEAD`] from it.
pub fn assignment(text: &[u8], at: usize) -> Option<Found> {
    if at >= text.len() {
        return None;
    }
    let lo = at.saturating_sub(LOOKBEHIND);
    let hi = text.len().min(at.saturating_add(LOOKAHEAD));
    let w = &text[lo..hi];
    let a = at - lo;
    let kw = keyword_at(&w[a..], KEYWORDS)?;
    let (range, what) = match kw {
        "mysql" | "mariadb" => mysql(w, a)?,
        "sshpass" => sshpass(w, a)?,
        "curl" => curl(w, a)?,
        "Bearer" => bearer(w, a)?,
        _ => named(w, a, kw)?,
    };
    Some(Found {
        code: Code::SQ34303,
        kind: "generic-secret",
        what,
        range: lo + range.start..lo + range.end,
        pair: None,
    })
}

/// Whether `name` (a whole identifier: an environment variable, a config
/// key) says it holds a secret, and what kind: "password", "secret",
/// "token", "API key", … `None` for names like `TOKENIZER` or
/// `PASSWORD_FILE`. The same rule [`assignment`] applies to the name
/// around its keyword.
pub fn secret_name(name: &[u8]) -> Option<&'static str> {
    if name.len() > 2 * MAX_NAME {
        return None;
    }
    let (ks, kw) = last_keyword(name)?;
    qualifies(name, ks, kw.len()).then(|| what_of(kw))
}

// ---------------------------------------------------------------------------
// Names

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn is_sep(b: u8) -> bool {
    matches!(b, b'_' | b'-' | b'.')
}

/// Whether a part of a name starts at `i`.
fn boundary(n: &[u8], i: usize) -> bool {
    if i == 0 || i >= n.len() {
        return true;
    }
    let (x, y) = (n[i - 1], n[i]);
    is_sep(x)
        || is_sep(y)
        || ((x.is_ascii_lowercase() || x.is_ascii_digit()) && y.is_ascii_uppercase())
}

/// Bytes some keyword starts with: most positions of a name are rejected
/// with one lookup.
static FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        t[KEYWORDS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

/// The longest keyword of `list` at the start of `s`.
fn keyword_at(s: &[u8], list: &[&'static str]) -> Option<&'static str> {
    let first = *s.first()?;
    if !FIRST[first as usize] {
        return None;
    }
    // A byte loop, not `starts_with`: these are a handful of bytes, and a
    // `memcmp` call for each costs more than the comparison.
    let at = |k: &[u8]| k.len() <= s.len() && k.iter().zip(s).all(|(x, y)| x == y);
    list.iter()
        .copied()
        .filter(|k| k.as_bytes()[0] == first && at(k.as_bytes()))
        .max_by_key(|k| k.len())
}

fn name_keyword_at(n: &[u8], i: usize) -> Option<&'static str> {
    keyword_at(&n[i..], &KEYWORDS[..KEYWORDS.len() - COMMANDS.len()])
}

/// The keyword of `n` that starts last, and where.
fn last_keyword(n: &[u8]) -> Option<(usize, &'static str)> {
    (0..n.len())
        .rev()
        .find_map(|i| name_keyword_at(n, i).map(|k| (i, k)))
}

fn what_of(kw: &str) -> &'static str {
    let k = kw.as_bytes();
    let starts = |p: &[u8]| k.len() >= p.len() && k[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"passp") {
        "passphrase"
    } else if starts(b"pass") {
        "password"
    } else if starts(b"secret") {
        "secret"
    } else if starts(b"token") {
        "token"
    } else if starts(b"api") {
        "API key"
    } else if starts(b"private") {
        "private key"
    } else if starts(b"access") {
        "access key"
    } else {
        "credential"
    }
}

/// The part (or the in-part prefix) just before the keyword at `ks`.
fn word_before(n: &[u8], ks: usize) -> &[u8] {
    let (j, mut k);
    if boundary(n, ks) {
        let mut jj = ks;
        while jj > 0 && is_sep(n[jj - 1]) {
            jj -= 1;
        }
        if jj == 0 {
            return &[];
        }
        j = jj;
        k = jj - 1;
    } else {
        j = ks;
        k = ks;
    }
    while k > 0 && !boundary(n, k) {
        k -= 1;
    }
    &n[k..j]
}

/// Whether the keyword at `ks..ks + kl` of name `n` makes `n` a secret's
/// name (see the module docs).
fn qualifies(n: &[u8], ks: usize, kl: usize) -> bool {
    let before = word_before(n, ks);
    if DENY_BEFORE
        .iter()
        .any(|d| before.eq_ignore_ascii_case(d.as_bytes()))
    {
        return false;
    }
    let credential = n[ks..ks + kl].eq_ignore_ascii_case(b"credential");
    let mut i = ks + kl;
    if i < n.len() && !boundary(n, i) && !n[i].is_ascii_digit() {
        let mut j = i + 1;
        while j < n.len() && !boundary(n, j) && !n[j].is_ascii_digit() {
            j += 1;
        }
        let glued = &n[i..j];
        let ok =
            glued.eq_ignore_ascii_case(b"key") || (credential && glued.eq_ignore_ascii_case(b"s"));
        if !ok {
            return false;
        }
        i = j;
    }
    while i < n.len() && n[i].is_ascii_digit() {
        i += 1;
    }
    if i < n.len() && !boundary(n, i) {
        return false;
    }
    tails_ok(n, i)
}

fn tails_ok(n: &[u8], mut i: usize) -> bool {
    let mut parts = 0;
    while i < n.len() {
        if is_sep(n[i]) {
            i += 1;
            continue;
        }
        let st = i;
        i += 1;
        while i < n.len() && !boundary(n, i) {
            i += 1;
        }
        let mut part = &n[st..i];
        while let [rest @ .., d] = part {
            if d.is_ascii_digit() {
                part = rest;
            } else {
                break;
            }
        }
        if !part.is_empty()
            && !TAIL_OK
                .iter()
                .any(|t| part.eq_ignore_ascii_case(t.as_bytes()))
        {
            return false;
        }
        parts += 1;
        if parts > 3 {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Assignments

type Hit = (Range<usize>, &'static str);

fn skip_blank(w: &[u8], mut i: usize) -> usize {
    while i < w.len() && matches!(w[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b] = s {
        if b.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn trim_range(w: &[u8], mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && w[r.start].is_ascii_whitespace() {
        r.start += 1;
    }
    while r.end > r.start && w[r.end - 1].is_ascii_whitespace() {
        r.end -= 1;
    }
    r
}

fn ends_with_ci(s: &[u8], suffix: &[u8]) -> bool {
    s.len() >= suffix.len() && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn checked(w: &[u8], r: Range<usize>, what: &'static str) -> Option<Hit> {
    let v = &w[r.clone()];
    (real_looking(v) && !interpolated(v)).then_some((r, what))
}

/// A name keyword at `a`: the value assigned to the name around it.
fn named(w: &[u8], a: usize, kw: &'static str) -> Option<Hit> {
    let e = a + kw.len();
    let mut s = a;
    while s > 0 && a - s < MAX_NAME && is_name_byte(w[s - 1]) {
        s -= 1;
    }
    let mut t = e;
    while t < w.len() && t - e < MAX_NAME && is_name_byte(w[t]) {
        t += 1;
    }
    while t > e && matches!(w[t - 1], b'.' | b'-') {
        t -= 1;
    }
    let ns = s;
    let mut dashes = 0;
    while s < a && w[s] == b'-' {
        s += 1;
        dashes += 1;
    }
    let pre = &w[..ns];
    let shell_ref = pre.ends_with(b"${");
    if shell_ref {
        // `${NAME-default}`: the name ends at the operator.
        if let Some(k) = w[e..t].iter().position(|&b| b == b'-') {
            t = e + k;
        }
    }
    let name = &w[s..t];
    let (ks, k) = last_keyword(name)?;
    if s + ks != a || k != kw || !qualifies(name, ks, kw.len()) {
        return None;
    }
    let what = what_of(kw);
    if name == b"chpasswd" {
        return chpasswd(w, ns);
    }
    if shell_ref {
        return shell_default(w, t).and_then(|r| checked(w, r, what));
    }
    if matches!(pre.last(), Some(b'$' | b'%' | b'@'))
        || pre.ends_with(b"://")
        || pre.ends_with(b"$(")
    {
        return None;
    }
    match pre.last() {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            let escaped = q == b'"' && pre.len() >= 2 && pre[pre.len() - 2] == b'\\';
            let close: &[u8] = match (escaped, q) {
                (true, _) => b"\\\"",
                (false, b'"') => b"\"",
                (false, b'\'') => b"'",
                _ => b"`",
            };
            if dashes > 0 && q == b'"' && !escaped {
                // An exec-form (JSON array) argument: `"--name=VALUE"`, or
                // `"--name", "VALUE"` with the value the next element.
                if w.get(t) == Some(&b'=') {
                    return value_at(w, t + 1).and_then(|r| checked(w, r, what));
                }
                if w.get(t) == Some(&b'"') {
                    let p = skip_blank(w, t + 1);
                    if w.get(p) == Some(&b',') {
                        let p = skip_blank(w, p + 1);
                        if w.get(p) == Some(&b'"') && w.get(p + 1) != Some(&b'-') {
                            return value_at(w, p).and_then(|r| checked(w, r, what));
                        }
                    }
                }
            }
            if !w[t..].starts_with(close) {
                return None;
            }
            let p = t + close.len();
            let outer = trim_end(&pre[..pre.len() - close.len()]);
            if ends_with_ci(outer, b"key=") {
                return attribute_value(w, p, what);
            }
            if ends_with_ci(outer, b"define(") {
                let p = skip_blank(w, p);
                if w.get(p) != Some(&b',') {
                    return None;
                }
                let p = skip_blank(w, p + 1);
                if !matches!(w.get(p), Some(b'"' | b'\'')) {
                    return None;
                }
                return value_at(w, p).and_then(|r| checked(w, r, what));
            }
            if name_key(outer) {
                return name_value(w, p, what);
            }
            let p = operator(w, p)?;
            value_at(w, p).and_then(|r| checked(w, r, what))
        }
        Some(b'<') if w.get(t) == Some(&b'>') => {
            let st = t + 1;
            let end = st + memchr::memchr(b'<', &w[st..])?;
            let tag = &w[ns..t];
            if !w[end..].starts_with(b"</") || !w[end + 2..].starts_with(tag) {
                return None;
            }
            checked(w, trim_range(w, st..end), what)
        }
        _ if name_key(pre) => name_value(w, t, what),
        _ if dashes > 0 => {
            if w.get(t) == Some(&b'=') {
                return value_at(w, t + 1).and_then(|r| checked(w, r, what));
            }
            let p = skip_blank(w, t);
            if p == t || matches!(w.get(p), None | Some(b'-')) {
                return None;
            }
            value_at(w, p).and_then(|r| checked(w, r, what))
        }
        _ => match operator(w, t) {
            Some(p) => value_at(w, p).and_then(|r| checked(w, r, what)),
            None => dockerfile_env(w, ns, t).and_then(|r| checked(w, r, what)),
        },
    }
}

fn line_start(w: &[u8], i: usize) -> usize {
    memchr::memrchr(b'\n', &w[..i]).map_or(0, |k| k + 1)
}

/// The legacy Dockerfile form `ENV NAME value` (the rest of the line is the
/// value): `ns..t` is the name.
fn dockerfile_env(w: &[u8], ns: usize, t: usize) -> Option<Range<usize>> {
    if !w[line_start(w, ns)..ns]
        .trim_ascii()
        .eq_ignore_ascii_case(b"ENV")
    {
        return None;
    }
    let p = skip_blank(w, t);
    if p == t {
        return None;
    }
    let r = value_at(w, p)?;
    let after = r.end + usize::from(matches!(w.get(r.end), Some(b'"' | b'\'')));
    let eol = memchr::memchr(b'\n', &w[after..]).map_or(w.len(), |k| after + k);
    w[after..eol].trim_ascii().is_empty().then_some(r)
}

/// `echo 'root:VALUE' | chpasswd`: `ns` is where `chpasswd` starts.
fn chpasswd(w: &[u8], ns: usize) -> Option<Hit> {
    let seg = trim_end(&w[line_start(w, ns)..ns]);
    let seg = seg.strip_suffix(b"|")?;
    if seg.ends_with(b"|") {
        return None;
    }
    let seg = trim_end(seg);
    let base = line_start(w, ns);
    let (st, end) = match seg.last() {
        Some(&q @ (b'"' | b'\'')) => {
            let open = memchr::memrchr(q, &seg[..seg.len() - 1])?;
            (open + 1, seg.len() - 1)
        }
        Some(_) => {
            let open = seg
                .iter()
                .rposition(|b| b.is_ascii_whitespace())
                .map_or(0, |k| k + 1);
            (open, seg.len())
        }
        None => return None,
    };
    let colon = st + memchr::memchr(b':', &seg[st..end])?;
    checked(w, base + colon + 1..base + end, "chpasswd password")
}

/// After the assignment operator at (or after blanks from) `p`: where the
/// value starts.
fn operator(w: &[u8], p: usize) -> Option<usize> {
    let p = skip_blank(w, p);
    let rest = &w[p..];
    let n = if rest.starts_with(b"||=") {
        3
    } else if rest.starts_with(b":=") || rest.starts_with(b"=>") || rest.starts_with(b"?=") {
        2
    } else if (rest.first() == Some(&b'=') && !matches!(rest.get(1), Some(b'=' | b'~')))
        || (rest.first() == Some(&b':') && rest.get(1) != Some(&b':'))
    {
        1
    } else {
        return None;
    };
    Some(skip_blank(w, p + n))
}

/// The value that starts at `i`: the inside of its quotes (one line) or a
/// bare word. `None` for what is not a literal (an object, a YAML tag,
/// anchor or block scalar, a call or an index).
fn value_at(w: &[u8], i: usize) -> Option<Range<usize>> {
    let b = *w.get(i)?;
    if b == b'\\' && w.get(i + 1) == Some(&b'"') {
        let st = i + 2;
        let end = memmem::find(&w[st..], b"\\\"")?;
        let r = st..st + end;
        return (!w[r.clone()].contains(&b'\n')).then_some(r);
    }
    let (q, st) = match b {
        b'"' | b'\'' | b'`' => (b, i + 1),
        b'b' | b'r' | b'u' if matches!(w.get(i + 1), Some(b'"' | b'\'')) => (w[i + 1], i + 2),
        b'{' | b'[' | b'!' | b'&' | b'*' | b'|' | b'>' | b'(' => return None,
        _ => {
            let mut j = i;
            while j < w.len() && !bare_stop(w[j]) {
                j += 1;
            }
            if matches!(w.get(j), Some(b'(' | b'[')) {
                return None;
            }
            return (j > i).then_some(i..j);
        }
    };
    let mut j = st;
    while j < w.len() {
        let c = w[j];
        if c == b'\n' || c == b'\r' {
            return None;
        }
        if c == b'\\' && q != b'\'' {
            j += 2;
            continue;
        }
        if c == q {
            return Some(st..j);
        }
        j += 1;
    }
    None
}

fn bare_stop(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\''
                | b'`'
                | b';'
                | b','
                | b'}'
                | b']'
                | b')'
                | b'('
                | b'['
                | b'&'
                | b'|'
                | b'<'
                | b'>'
        )
}

/// `key="Password" value="v"` or `key="password">v<`: `p` is just after
/// the name's closing quote.
fn attribute_value(w: &[u8], p: usize, what: &'static str) -> Option<Hit> {
    let p = skip_blank(w, p);
    if w.get(p) == Some(&b'>') {
        let st = p + 1;
        let end = st + memchr::memchr(b'<', &w[st..])?;
        return checked(w, trim_range(w, st..end), what);
    }
    if !starts_with_ci(&w[p..], b"value=") {
        return None;
    }
    let p = p + 6;
    if !matches!(w.get(p), Some(b'"' | b'\'')) {
        return None;
    }
    value_at(w, p).and_then(|r| checked(w, r, what))
}

/// Whether `pre` (what comes before a name) ends with a `name:` key, with
/// or without quotes: the name is itself a value, and its value comes
/// under a `value` key next to it.
fn name_key(pre: &[u8]) -> bool {
    let x = trim_end(pre);
    let Some(x) = x.strip_suffix(b":") else {
        return false;
    };
    let mut y = trim_end(x);
    if let Some(z) = y.strip_suffix(b"\"").or_else(|| y.strip_suffix(b"'")) {
        y = z;
    }
    ends_with_ci(y, b"name")
        && (y.len() == 4 || !(y[y.len() - 5].is_ascii_alphanumeric() || y[y.len() - 5] == b'_'))
}

/// `{"name": "DB_PASSWORD", "value": "v"}` or `- name: DB_PASSWORD` /
/// `  value: v`: the `value` key of the same mapping, from `p` on.
fn name_value(w: &[u8], p: usize, what: &'static str) -> Option<Hit> {
    let end = w.len().min(p + 256);
    let mut i = p;
    let mut line_start = false;
    while i < end {
        match w[i] {
            b'{' | b'}' | b'[' | b']' => return None,
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'-' if line_start => return None,
            _ => {}
        }
        line_start = false;
        let key_start = i == 0 || !(w[i - 1].is_ascii_alphanumeric() || w[i - 1] == b'_');
        if key_start {
            if starts_with_ci(&w[i..], b"name") && key_colon(w, i + 4).is_some() {
                return None;
            }
            if starts_with_ci(&w[i..], b"value") {
                if let Some(v) = key_colon(w, i + 5) {
                    let v = skip_blank(w, v);
                    return value_at(w, v).and_then(|r| checked(w, r, what));
                }
            }
        }
        i += 1;
    }
    None
}

/// At `i`, just after a key word: an optional closing quote, blanks, `:`.
fn key_colon(w: &[u8], mut i: usize) -> Option<usize> {
    if matches!(w.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    let i = skip_blank(w, i);
    (w.get(i) == Some(&b':')).then_some(i + 1)
}

/// `${NAME:-v}`, `${NAME:=v}`, `${NAME-v}`, `${NAME=v}`: `t` is just after
/// the name.
fn shell_default(w: &[u8], t: usize) -> Option<Range<usize>> {
    let rest = &w[t..];
    let n = if rest.starts_with(b":-") || rest.starts_with(b":=") {
        2
    } else if matches!(rest.first(), Some(b'-' | b'=')) {
        1
    } else {
        return None;
    };
    let st = t + n;
    let end = st + memchr::memchr(b'}', &w[st..])?;
    let v = &w[st..end];
    if v.contains(&b'\n') {
        return None;
    }
    Some(unquote(w, st..end))
}

fn unquote(w: &[u8], r: Range<usize>) -> Range<usize> {
    if r.len() >= 2 {
        let (f, l) = (w[r.start], w[r.end - 1]);
        if f == l && matches!(f, b'"' | b'\'') {
            return r.start + 1..r.end - 1;
        }
    }
    r
}

/// The next shell word from `i` on, within the same command (a newline
/// not escaped, `;`, `|`, `&`, `)`, a redirection or a comment ends it).
fn shell_word(w: &[u8], mut i: usize) -> Option<Range<usize>> {
    loop {
        i = skip_blank(w, i);
        if w.get(i) == Some(&b'\\') {
            if w.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if w.get(i + 1) == Some(&b'\r') && w.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
        }
        break;
    }
    match w.get(i) {
        None | Some(b'\n' | b'\r' | b';' | b'|' | b'&' | b')' | b'`' | b'<' | b'>' | b'#') => {
            return None
        }
        _ => {}
    }
    let st = i;
    while i < w.len() {
        match w[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'|' | b'&' | b')' | b'`' | b'<' | b'>' => break,
            q @ (b'"' | b'\'') => match memchr::memchr(q, &w[i + 1..]) {
                Some(k) => i += k + 2,
                None => return None,
            },
            _ => i += 1,
        }
    }
    Some(st..i)
}

fn command_start(w: &[u8], a: usize) -> bool {
    a == 0 || !(w[a - 1].is_ascii_alphanumeric() || matches!(w[a - 1], b'_' | b'-' | b'.' | b'$'))
}

/// `mysql … -pVALUE`, `mysqldump -u root -p'VALUE'` (a bare `-p` prompts).
fn mysql(w: &[u8], a: usize) -> Option<Hit> {
    if !command_start(w, a) {
        return None;
    }
    let mut t = a;
    while t < w.len() && (w[t].is_ascii_lowercase() || w[t] == b'-') {
        t += 1;
    }
    if !MYSQL_TOOLS.contains(&&w[a..t]) || !matches!(w.get(t), Some(b' ' | b'\t')) {
        return None;
    }
    let mut i = t;
    for _ in 0..64 {
        let r = shell_word(w, i)?;
        i = r.end;
        let word = &w[r.clone()];
        if word.starts_with(b"--") {
            continue;
        }
        if word.starts_with(b"-p") {
            if word.len() == 2 {
                return None;
            }
            return checked(w, unquote(w, r.start + 2..r.end), "MySQL password");
        }
    }
    None
}

/// `sshpass -p VALUE command` or `sshpass -pVALUE command`.
fn sshpass(w: &[u8], a: usize) -> Option<Hit> {
    if !command_start(w, a) || !matches!(w.get(a + 7), Some(b' ' | b'\t')) {
        return None;
    }
    let mut i = a + 7;
    for _ in 0..16 {
        let r = shell_word(w, i)?;
        i = r.end;
        let word = &w[r.clone()];
        if word == b"-p" {
            let v = shell_word(w, i)?;
            return checked(w, unquote(w, v), "sshpass password");
        }
        if word.starts_with(b"-p") {
            return checked(w, unquote(w, r.start + 2..r.end), "sshpass password");
        }
        match word {
            b"-f" | b"-d" | b"-P" => i = shell_word(w, i)?.end,
            _ if word.starts_with(b"-") => {}
            _ => return None,
        }
    }
    None
}

/// `curl -u user:VALUE`, `--user`, `--proxy-user`, `-U` (no `:`: curl
/// prompts).
fn curl(w: &[u8], a: usize) -> Option<Hit> {
    if !command_start(w, a) || !matches!(w.get(a + 4), Some(b' ' | b'\t')) {
        return None;
    }
    let mut i = a + 4;
    for _ in 0..64 {
        let r = shell_word(w, i)?;
        i = r.end;
        let word = &w[r.clone()];
        let creds = match word {
            b"-u" | b"-U" | b"--user" | b"--proxy-user" => {
                let v = shell_word(w, i)?;
                unquote(w, v)
            }
            _ if word.starts_with(b"--user=") => unquote(w, r.start + 7..r.end),
            _ if word.starts_with(b"--proxy-user=") => unquote(w, r.start + 13..r.end),
            _ if (word.starts_with(b"-u") || word.starts_with(b"-U"))
                && !word.starts_with(b"--") =>
            {
                unquote(w, r.start + 2..r.end)
            }
            _ => continue,
        };
        let colon = creds.start + memchr::memchr(b':', &w[creds.clone()])?;
        return checked(w, colon + 1..creds.end, "curl credentials");
    }
    None
}

/// `Bearer VALUE` (an `Authorization` header in a `curl` line, a config).
fn bearer(w: &[u8], a: usize) -> Option<Hit> {
    if a > 0 && (w[a - 1].is_ascii_alphanumeric() || w[a - 1] == b'_') {
        return None;
    }
    let mut p = a + 6;
    if w.get(p) != Some(&b' ') {
        return None;
    }
    while w.get(p) == Some(&b' ') {
        p += 1;
    }
    let st = p;
    while p < w.len()
        && (w[p].is_ascii_alphanumeric()
            || matches!(w[p], b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'='))
    {
        p += 1;
    }
    if p - st < 16 {
        return None;
    }
    if let Some(&b) = w.get(p) {
        if !(b.is_ascii_whitespace()
            || matches!(
                b,
                b'"' | b'\'' | b',' | b';' | b'`' | b')' | b'}' | b']' | b'\\'
            ))
        {
            return None;
        }
    }
    checked(w, st..p, "bearer token")
}

// ---------------------------------------------------------------------------
// Values

/// Whether `value` looks like a real secret rather than anything else a
/// secret-sounding name gets assigned:
///
/// - [`MIN_LEN`]..=[`MAX_LEN`] bytes of printable ASCII, no whitespace (a
///   value with spaces reads as prose);
/// - not a [`placeholder`] (`changeme`, `<password>`, `${VAR}`, `***`, …);
/// - not code: no `(`, `)`, `[`, `]`, `::`, `->`, not an identifier chain
///   (`config.db.password`, `self.password`, `process.env.X`);
/// - not a path (`/run/secrets/db`, `./x`, `~/.x`, `C:\x`, `*.pem`, …), not
///   a URL (URIs are [`uri`]'s), not `data:` / base64 image data;
/// - not a hash (32, 40, 56, 64, 96 or 128 hex digits of one case, which
///   covers git object ids; `sha256:…`, SRI `sha512-…`), not a UUID, not a
///   number, date, version or address (digits and `.,:-+/_` only), not an
///   AWS access key id (public on its own; [`crate::tokens`] reports it);
/// - not letters alone (a word, a camelCase variable, `Passwort`), unless
///   24 bytes or more of both cases;
/// - Shannon entropy at least 2.5 bits per byte (3.0 from 16 bytes on).
pub fn real_looking(value: &[u8]) -> bool {
    let n = value.len();
    if !(MIN_LEN..=MAX_LEN).contains(&n) || !value.iter().all(u8::is_ascii_graphic) {
        return false;
    }
    if placeholder(value)
        || code_like(value)
        || path_like(value)
        || url_like(value)
        || hash_like(value)
        || uuid_like(value)
        || numeric_like(value)
        || image_data(value)
        || aws_key_id(value)
        || word_like(value)
    {
        return false;
    }
    entropy(value) >= if n < 16 { 2.5 } else { 3.0 }
}

/// Whether `value` is a placeholder or a reference, never a secret:
///
/// - empty, or a reference/template: starts with `$` (`$VAR`, `${VAR}`,
///   `$(cmd)`, crypt hashes), contains `${`, `$(`, `{{`, `}}`, `#{`, `%(`,
///   `%{`, `<%`, `%>`, `[[`, `process.env`, `os.environ`, `getenv`;
///   `%s`-style formats; `%VAR%`, `@VAR@`, `__VAR__`; starts with `env.`,
///   `env:`, `vault:`, `arn:`, `ssm:`, `ref+`, `ENC(` or a YAML `!tag`;
/// - wrapped: starts with `<`, `[`, `{` or `(` (`<password>`, `{password}`,
///   Maven's `{…}` encrypted passwords);
/// - masked: at most two distinct bytes, or `***`, `xxx`, `...`, `###`,
///   `???`, `___`;
/// - a placeholder word: contains `changeme`, `password`, `secret`,
///   `example`, `dummy`, `your`, `test`, `todo`, `1234`, `qwerty`, … or,
///   with trailing digits and punctuation dropped and leet spelling
///   undone, is one of a list of defaults (`admin`, `root`, `guest`,
///   `hunter`, `letmein`, `P@ssw0rd`, `s3cr3t`, `Passwort`, …).
pub fn placeholder(value: &[u8]) -> bool {
    let v = value.trim_ascii();
    let v = &v[..v.len().min(4096)];
    v.is_empty()
        || ANY_PLACEHOLDER.is_match(v)
        || reference(v)
        || wrapped(v)
        || masked(v)
        || placeholder_core(&v.to_ascii_lowercase(), false)
}

/// References, templates and masks, in any value.
const REFERENCE_SUBSTRINGS: &[&str] = &[
    "${",
    "$(",
    "{{",
    "}}",
    "#{",
    "%(",
    "%{",
    "<%",
    "%>",
    "[[",
    "process.env",
    "os.environ",
    "getenv",
    "secretkeyref",
    "valuefrom",
    "***",
    "xxx",
    "...",
    "###",
    "???",
    "___",
    "\u{2022}",
];

/// Placeholder words no issued token contains.
const TOKEN_PLACEHOLDER_SUBSTRINGS: &[&str] = &[
    "changeme",
    "change_me",
    "example",
    "placeholder",
    "redacted",
    "your",
    "dummy",
    "insert",
    "replace",
];

fn substrings(lists: &[&[&str]]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(lists.iter().flat_map(|l| l.iter()))
        .unwrap_or_else(|e| panic!("the placeholder substrings compile: {e}"))
}

/// One pass over a value for every substring [`placeholder`] looks for
/// (a `memmem` search per needle cost more than the rest of the checks).
static ANY_PLACEHOLDER: LazyLock<AhoCorasick> =
    LazyLock::new(|| substrings(&[REFERENCE_SUBSTRINGS, PLACEHOLDER_SUBSTRINGS]));
static TOKEN_PLACEHOLDER: LazyLock<AhoCorasick> =
    LazyLock::new(|| substrings(&[REFERENCE_SUBSTRINGS, TOKEN_PLACEHOLDER_SUBSTRINGS]));

/// The part of [`placeholder`] that holds for a value whose place already
/// says it is a token (a credential file's `token` key): references,
/// wrappers, masks, a placeholder word as the whole value, and the few
/// substrings no issued token contains (`changeme`, `example`, `your`,
/// `xxx`, …), but not `secret`, `test` or `token`, which real token
/// formats carry (`k3.secret.…`, `sk_test_…`).
pub(crate) fn placeholder_token(value: &[u8]) -> bool {
    let v = value.trim_ascii();
    let v = &v[..v.len().min(4096)];
    v.is_empty()
        || TOKEN_PLACEHOLDER.is_match(v)
        || reference(v)
        || wrapped(v)
        || masked(v)
        || placeholder_core(&v.to_ascii_lowercase(), true)
}

/// Whether `needle` (not empty) is in `hay`: a plain search for the short
/// values this module checks (building a `memmem` searcher per needle costs
/// more than the search), `memmem` for long ones.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    if hay.len() > 256 {
        return memmem::find(hay, needle).is_some();
    }
    hay.len() >= needle.len()
        && (0..=hay.len() - needle.len())
            .any(|i| hay[i] == first && &hay[i..i + needle.len()] == needle)
}

/// The shapes of references (their substrings are in
/// [`REFERENCE_SUBSTRINGS`]).
fn reference(v: &[u8]) -> bool {
    const STARTS: &[&[u8]] = &[
        b"$", b"env.", b"env:", b"vault:", b"arn:", b"ssm:", b"ref+", b"enc(",
    ];
    if STARTS.iter().any(|s| starts_with_ci(v, s)) {
        return true;
    }
    // A YAML tag (`!vault`, `!Ref`, `!!binary`).
    if v[0] == b'!'
        && v.get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'!')
    {
        return true;
    }
    // printf-style formats.
    for (i, w) in v.windows(2).enumerate() {
        if w[0] == b'%'
            && matches!(w[1], b's' | b'd' | b'v' | b'q' | b'r')
            && !v.get(i + 2).is_some_and(u8::is_ascii_alphanumeric)
        {
            return true;
        }
    }
    let n = v.len();
    (n >= 3 && v[0] == b'%' && v[n - 1] == b'%')
        || (n >= 3 && v[0] == b'@' && v[n - 1] == b'@')
        || (n >= 5 && v.starts_with(b"__") && v.ends_with(b"__"))
}

/// `$` followed by a name, `{` or `(` anywhere: shell, dotenv and many
/// config loaders interpolate it, so the value is not a literal.
pub(crate) fn interpolated(v: &[u8]) -> bool {
    v.windows(2)
        .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'_' | b'{' | b'(')))
}

fn wrapped(v: &[u8]) -> bool {
    matches!(v[0], b'<' | b'[' | b'{' | b'(')
}

/// At most two distinct bytes (`aaaa`, `abab`); the mask substrings
/// (`***`, `xxx`) are in [`REFERENCE_SUBSTRINGS`].
fn masked(v: &[u8]) -> bool {
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in v {
        if !seen[b as usize] {
            seen[b as usize] = true;
            distinct += 1;
        }
    }
    distinct <= 2
}

const PLACEHOLDER_SUBSTRINGS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "password",
    "passwd",
    "secret",
    "example",
    "placeholder",
    "dummy",
    "sample",
    "redacted",
    "your",
    "test",
    "fake",
    "insert",
    "replace",
    "todo",
    "fixme",
    "default",
    "credential",
    "apikey",
    "api_key",
    "api-key",
    "token",
    "1234",
    "abcd",
    "qwerty",
    "asdf",
    "lorem",
];

/// Found in a value once leet spelling is undone (`p4ssw0rd`, `s3cr3t`).
const LEET_SUBSTRINGS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "changeme",
    "example",
    "placeholder",
    "redacted",
];

const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passw",
    "pass",
    "pwd",
    "pw",
    "passphrase",
    "secret",
    "secrets",
    "changeme",
    "changeit",
    "change",
    "token",
    "apikey",
    "key",
    "admin",
    "administrator",
    "root",
    "toor",
    "default",
    "letmein",
    "qwerty",
    "welcome",
    "guest",
    "user",
    "username",
    "login",
    "test",
    "testing",
    "demo",
    "example",
    "sample",
    "dummy",
    "fake",
    "mock",
    "placeholder",
    "redacted",
    "hidden",
    "masked",
    "removed",
    "notset",
    "unset",
    "none",
    "null",
    "nil",
    "empty",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "foo",
    "bar",
    "foobar",
    "baz",
    "qux",
    "abc",
    "abcdef",
    "xyz",
    "value",
    "string",
    "mysql",
    "postgres",
    "postgresql",
    "redis",
    "rabbitmq",
    "mongo",
    "mongodb",
    "mariadb",
    "oracle",
    "sa",
    "master",
    "system",
    "manager",
    "tomcat",
    "jenkins",
    "docker",
    "ubuntu",
    "debian",
    "vagrant",
    "insecure",
    "unsafe",
    "required",
    "optional",
    "enabled",
    "disabled",
    "hunter",
    "iloveyou",
    "monkey",
    "dragon",
    "sunshine",
    "princess",
    "football",
    "superman",
    "batman",
    "shadow",
    "secure",
    "access",
    "private",
    "public",
    "localhost",
    "sensitive",
    "confidential",
    "sekret",
    "geheim",
    "passwort",
    "kennwort",
    "wachtwoord",
    "senha",
    "salasana",
    "motdepasse",
    "contrasena",
    "parola",
    "haslo",
    "heslo",
    "jelszo",
    "adgangskode",
    "passord",
    "losenord",
];

/// Whether the lower-cased `lower` is, at its core, a placeholder word
/// (or, unless `whole_only`, holds one spelled in leet).
fn placeholder_core(lower: &[u8], whole_only: bool) -> bool {
    // The core: leading punctuation and trailing digits and punctuation
    // dropped, leet spelling undone, separators removed.
    let mut s = lower;
    while let [first, rest @ ..] = s {
        if first.is_ascii_alphanumeric() || matches!(first, b'@' | b'$') {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_alphabetic() {
            break;
        }
        s = rest;
    }
    let core: Vec<u8> = s
        .iter()
        .filter(|b| !matches!(b, b'_' | b'-' | b'.'))
        .map(|&b| match b {
            b'0' => b'o',
            b'1' => b'i',
            b'3' => b'e',
            b'4' | b'@' => b'a',
            b'5' | b'$' => b's',
            b'7' => b't',
            _ => b,
        })
        .collect();
    let word = PLACEHOLDER_WORDS.iter().any(|w| core == w.as_bytes());
    word || (!whole_only
        && LEET_SUBSTRINGS
            .iter()
            .any(|w| contains(&core, w.as_bytes())))
}

fn code_like(v: &[u8]) -> bool {
    v.iter().any(|b| matches!(b, b'(' | b')' | b'[' | b']'))
        || contains(v, b"::")
        || contains(v, b"->")
        || ident_chain(v)
}

/// `a.b`, `self.password`, `config.db.password`: identifiers of at most 24
/// bytes joined by dots (a JWT's segments are longer).
fn ident_chain(v: &[u8]) -> bool {
    let mut segs = 0;
    for seg in v.split(|&b| b == b'.') {
        let ok = !seg.is_empty()
            && seg.len() <= 24
            && (seg[0].is_ascii_alphabetic() || seg[0] == b'_')
            && seg.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if !ok {
            return false;
        }
        segs += 1;
    }
    segs >= 2
}

fn path_like(v: &[u8]) -> bool {
    const EXTS: &[&[u8]] = &[
        b".pem",
        b".key",
        b".crt",
        b".cer",
        b".der",
        b".p12",
        b".pfx",
        b".jks",
        b".json",
        b".txt",
        b".yaml",
        b".yml",
        b".conf",
        b".cfg",
        b".ini",
        b".properties",
        b".env",
        b".xml",
        b".toml",
        b".gpg",
        b".asc",
    ];
    let lower = v.to_ascii_lowercase();
    let rooted = [&b"/"[..], b"./", b"../", b"~/"]
        .iter()
        .any(|p| v.starts_with(p));
    (rooted && !v.contains(&b'+') && !v.contains(&b'='))
        || v.starts_with(b"\\\\")
        || (v.len() > 2
            && v[0].is_ascii_alphabetic()
            && v[1] == b':'
            && matches!(v[2], b'\\' | b'/'))
        || lower.starts_with(b"file:")
        || EXTS.iter().any(|e| lower.ends_with(e))
}

fn url_like(v: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    contains(v, b"://")
        || [&b"www."[..], b"http:", b"https:", b"mailto:"]
            .iter()
            .any(|p| lower.starts_with(p))
}

fn hash_like(v: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"md5:", b"sha1:", b"sha224:", b"sha256:", b"sha384:", b"sha512:", b"sha1-", b"sha256-",
        b"sha384-", b"sha512-",
    ];
    let lower = v.to_ascii_lowercase();
    if PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    let one_case = !v.iter().any(u8::is_ascii_lowercase) || !v.iter().any(u8::is_ascii_uppercase);
    hex && one_case && matches!(v.len(), 32 | 40 | 56 | 64 | 96 | 128)
}

fn uuid_like(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

fn numeric_like(v: &[u8]) -> bool {
    v.iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b':' | b'-' | b'+' | b'/' | b'_'))
        || version_like(v)
}

/// `1.2.3`, `v2.0.1-beta.1`, `10.4+build5`: dotted numbers, an optional
/// `v`, an optional pre-release or build suffix.
fn version_like(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"v").unwrap_or(v);
    let core_end = v
        .iter()
        .position(|b| matches!(b, b'-' | b'+'))
        .unwrap_or(v.len());
    let core = &v[..core_end];
    let dots = core.iter().filter(|&&b| b == b'.').count();
    dots >= 1
        && core
            .split(|&b| b == b'.')
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
        && v[core_end..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
}

fn image_data(v: &[u8]) -> bool {
    const STARTS: &[&[u8]] = &[
        b"iVBORw0KGgo",
        b"/9j/",
        b"R0lGOD",
        b"UklGR",
        b"PHN2Zy",
        b"PD94bWw",
    ];
    starts_with_ci(v, b"data:") || STARTS.iter().any(|s| v.starts_with(s))
}

fn aws_key_id(v: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"AKIA", b"ASIA", b"AIDA", b"AROA", b"AIPA", b"ANPA", b"ANVA", b"AGPA", b"ASCA",
    ];
    v.len() == 20
        && PREFIXES.iter().any(|p| v.starts_with(p))
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn word_like(v: &[u8]) -> bool {
    if !v
        .iter()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.'))
    {
        return false;
    }
    let upper = v.iter().any(u8::is_ascii_uppercase);
    let lower = v.iter().any(u8::is_ascii_lowercase);
    !(v.len() >= 24 && upper && lower && entropy(v) >= 3.5)
}

/// Shannon entropy of the bytes of `v`, in bits per byte (also the token
/// validators' floor).
pub(crate) fn entropy(v: &[u8]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in v {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

// ---------------------------------------------------------------------------
// URIs

/// `text` holds `://` at `at`. Credentials in the URI around it: SQ34301
/// when the password is a placeholder, SQ34302 otherwise; `None` without
/// a password.
///
/// Looks at no more than 32 bytes before `at` (the scheme) and 512 after.
pub fn uri(text: &[u8], at: usize) -> Option<Found> {
    let u = userinfo(text, at)?;
    let (code, kind, what) = if u.placeholder {
        (
            Code::SQ34301,
            "uri-placeholder-password",
            "placeholder password in a URI",
        )
    } else {
        (Code::SQ34302, "uri-password", "password in a URI")
    };
    Some(Found {
        code,
        kind,
        what,
        range: u.password,
        pair: None,
    })
}

/// The userinfo of a URI, its parts' ranges in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Userinfo {
    pub user: Range<usize>,
    pub password: Range<usize>,
    /// The password is a placeholder (or equals the user name).
    pub placeholder: bool,
}

/// The userinfo of the URI whose `://` is at `at` (see [`uri`]).
pub(crate) fn userinfo(text: &[u8], at: usize) -> Option<Userinfo> {
    if !text.get(at..)?.starts_with(b"://") {
        return None;
    }
    let lo = at.saturating_sub(32);
    let mut s = at;
    while s > lo
        && (text[s - 1].is_ascii_alphanumeric() || matches!(text[s - 1], b'+' | b'.' | b'-'))
    {
        s -= 1;
    }
    while s < at && !text[s].is_ascii_alphabetic() {
        s += 1;
    }
    if s == at {
        return None;
    }
    let start = at + 3;
    let limit = text.len().min(start + 512);
    let mut i = start;
    let mut last_at = None;
    while i < limit {
        match text[i] {
            b'{' if text.get(i + 1) == Some(&b'{') => match memmem::find(&text[i..limit], b"}}") {
                Some(k) => {
                    i += k + 2;
                    continue;
                }
                None => break,
            },
            b'<' => {
                let end = limit.min(i + 66);
                match text[i + 1..end].iter().position(|&b| b == b'>') {
                    Some(k)
                        if text[i + 1..i + 1 + k].iter().all(|&b| {
                            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b' ' | b'.')
                        }) =>
                    {
                        i += k + 2;
                        continue;
                    }
                    _ => break,
                }
            }
            b'@' => last_at = Some(i),
            b'/' | b'?' | b'#' | b'\\' | b'"' | b'\'' | b'`' | b'>' => break,
            b if b.is_ascii_whitespace() || b < 0x20 || b == 0x7f => break,
            _ => {}
        }
        i += 1;
    }
    let at_sign = last_at?;
    if at_sign - start > 256 {
        return None;
    }
    let mut depth = 0i32;
    let mut colon = None;
    for (k, &b) in text[start..at_sign].iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b':' if depth <= 0 => {
                colon = Some(start + k);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let user = start..colon;
    let password = colon + 1..at_sign;
    if password.is_empty() {
        return None;
    }
    let host = *text.get(at_sign + 1)?;
    if !(host.is_ascii_alphanumeric() || matches!(host, b'[' | b'$' | b'{' | b'<' | b'%' | b'_')) {
        return None;
    }
    let pw = &text[password.clone()];
    let us = &text[user.clone()];
    let pw_dec = percent_decode(pw);
    let us_dec = percent_decode(us);
    let placeholder = placeholder(pw)
        || placeholder(&pw_dec)
        || interpolated(pw)
        || (!us_dec.is_empty() && pw_dec.eq_ignore_ascii_case(&us_dec));
    if !placeholder
        && (!rfc_userinfo(pw)
            || !rfc_userinfo(us)
            || !(host.is_ascii_alphanumeric() || host == b'['))
    {
        return None;
    }
    Some(Userinfo {
        user,
        password,
        placeholder,
    })
}

/// RFC 3986 userinfo characters (unreserved, pct-encoded, sub-delims, `:`),
/// and `@`.
fn rfc_userinfo(v: &[u8]) -> bool {
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        if b == b'%' {
            if !(v.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && v.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
            continue;
        }
        let ok = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            );
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn percent_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'%' {
            if let (Some(h), Some(l)) = (
                v.get(i + 1).and_then(|&b| hex_val(b)),
                v.get(i + 2).and_then(|&b| hex_val(b)),
            ) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fake, random-looking values (see `crate::fake::text`).
    fn fake(seed: usize, len: usize) -> String {
        crate::fake::text(seed, len)
    }

    /// Every value [`assignment`] reports in `text`, trying each keyword
    /// hit the prefilter would see.
    fn values(text: &str) -> Vec<String> {
        let b = text.as_bytes();
        let mut out = Vec::new();
        for at in 0..b.len() {
            if KEYWORDS.iter().any(|k| b[at..].starts_with(k.as_bytes())) {
                if let Some(f) = assignment(b, at) {
                    assert_eq!(f.code, Code::SQ34303);
                    assert_eq!(f.kind, "generic-secret");
                    out.push(String::from_utf8_lossy(&b[f.range]).into_owned());
                }
            }
        }
        out
    }

    fn one(text: &str) -> String {
        let v = values(text);
        assert_eq!(v.len(), 1, "{text:?} gave {v:?}");
        v.into_iter().next().unwrap_or_default()
    }

    fn none(text: &str) {
        let v = values(text);
        assert!(v.is_empty(), "{text:?} gave {v:?}");
    }

    #[test]
    fn keyword_list_shape() {
        assert!(KEYWORDS.ends_with(COMMANDS));
        assert!(KEYWORDS.iter().all(|k| k.len() >= 4));
        for (i, k) in KEYWORDS.iter().enumerate() {
            assert!(!KEYWORDS[..i].contains(k), "{k} twice");
        }
    }

    #[test]
    fn names_that_count_and_names_that_do_not() {
        for n in [
            "DB_PASSWORD",
            "dbPassword",
            "PGPASSWORD",
            "password",
            "secretKey",
            "SECRET_KEY",
            "SECRETKEY",
            "AWS_SECRET_ACCESS_KEY",
            "x-api-key",
            "X-API-KEY",
            "client_secret",
            "clientSecret",
            "GITHUB_TOKEN",
            "authToken",
            "access_token",
            "spring.datasource.password",
            "PASSWORD2",
            "STRIPE_SECRET_KEY_LIVE",
            "credentials",
            "private_key",
            "passphrase",
            "refresh_token_value",
        ] {
            assert!(secret_name(n.as_bytes()).is_some(), "{n}");
        }
        for n in [
            "TOKENIZER",
            "tokenizer",
            "secretary",
            "password_min_length",
            "token_type",
            "token_url",
            "secret_name",
            "PASSWORD_FILE",
            "passwordHash",
            "passwords",
            "passwordless",
            "AWS_ACCESS_KEY_ID",
            "API_KEY_ID",
            "csrf_token",
            "next_token",
            "max_tokens",
            "pad_token",
            "secretKeyRef",
            "token_endpoint",
            "username",
            "public_key",
        ] {
            assert!(secret_name(n.as_bytes()).is_none(), "{n}");
        }
        assert_eq!(secret_name(b"DB_PASSWORD"), Some("password"));
        assert_eq!(secret_name(b"x-api-key"), Some("API key"));
        assert_eq!(secret_name(b"SECRET_TOKEN"), Some("token"));
    }

    #[test]
    fn assignments_reported() {
        let v = fake(1, 20);
        let cases = [
            format!("DB_PASSWORD={v}"),
            format!("export DB_PASSWORD=\"{v}\"\n"),
            format!("ENV MYSQL_ROOT_PASSWORD={v}"),
            format!("spring.datasource.password={v}\n"),
            format!("  password: {v}\r\n"),
            format!("{{\"client_secret\": \"{v}\"}}"),
            format!("{{\"client_secret\":\"{v}\",\"x\":1}}"),
            format!("SECRET_KEY = '{v}'"),
            format!("api_key := \"{v}\""),
            format!("'password' => '{v}',"),
            format!("config.password ||= \"{v}\""),
            format!("docker login -u me --password {v} reg.example"),
            format!("tool --api-key={v}"),
            format!("[\"/bin/api\", \"--db-password={v}\"]"),
            format!("CMD [\"worker\", \"--api-secret\", \"{v}\"]"),
            format!("[\"--api-secret\" , \"{v}\", \"-v\"]"),
            format!("<password>{v}</password>"),
            format!("<Password>\n  {v}\n</Password>"),
            format!("<add key=\"DbPassword\" value=\"{v}\" />"),
            format!("<entry key=\"password\">{v}</entry>"),
            format!("define( 'DB_PASSWORD', '{v}' );"),
            format!("- name: DB_PASSWORD\n  value: \"{v}\"\n"),
            format!("{{\"name\": \"DB_PASSWORD\", \"value\": \"{v}\"}}"),
            format!(": \"${{POSTGRES_PASSWORD:-{v}}}\""),
            format!("{{\\\"password\\\":\\\"{v}\\\"}}"),
            format!("jdbc:mysql://db/app?user=app&password={v}&ssl=true"),
            format!("Server=db;User Id=sa;Password={v};"),
            format!("mysql -u root -p{v} app"),
            format!("mysqldump -uroot -p'{v}' --all-databases"),
            format!("/usr/bin/mariadb-dump -h db \\\n  -p\"{v}\" app"),
            format!("sshpass -p '{v}' ssh root@host"),
            format!("sshpass -p{v} scp a b"),
            format!("curl -H \"Authorization: Bearer {v}{v}\" https://api"),
            format!("password = b'{v}'"),
            format!("RUN echo 'root:{v}' | chpasswd"),
            format!("echo root:{v} |chpasswd"),
            format!("curl -fsSL -u admin:{v} https://repo.example/x"),
            format!("curl --user \"ci:{v}\" -o out https://x"),
            format!("curl --user=ci:{v} https://x"),
            format!("ENV DB_PASSWORD {v}\n"),
            format!("env  API_TOKEN \"{v}\""),
            format!("ACCESS_KEY={v}"),
            format!("privateKey: {v}"),
            format!("DJANGO_SECRET_KEY=\"{}\"", "k8#v!2x@Lq9%zR4^tW7&mN1*"),
        ];
        for c in &cases {
            let got = one(c);
            assert!(c.contains(&got), "{c:?}: {got}");
            assert!(
                got == v || got == format!("{v}{v}") || got.starts_with("k8#"),
                "{c:?}: {got}"
            );
        }
        assert!(cases.len() >= 20);
    }

    #[test]
    fn exact_ranges_and_whats() {
        let v = fake(2, 16);
        let text = format!("x\nDB_PASSWORD=\"{v}\" # db\n");
        let at = text.find("PASSWORD").unwrap_or(0);
        let f = assignment(text.as_bytes(), at);
        let start = text.find(&v).unwrap_or(0);
        assert_eq!(
            f,
            Some(Found {
                code: Code::SQ34303,
                kind: "generic-secret",
                what: "password",
                range: start..start + 16,
                pair: None,
            })
        );
        let text = format!("mysql -p{v}");
        assert_eq!(
            assignment(text.as_bytes(), 0).map(|f| (f.range, f.what)),
            Some((8..24, "MySQL password"))
        );
        let text = format!("GITHUB_TOKEN: {v}");
        assert_eq!(
            assignment(text.as_bytes(), 7).map(|f| f.what),
            Some("token")
        );
        // Only the last keyword of a name reports: one finding.
        let text = format!("SECRET_TOKEN={v}");
        assert_eq!(values(&text), vec![v.clone()]);
        assert_eq!(assignment(text.as_bytes(), 0), None);
    }

    #[test]
    fn assignments_not_reported() {
        let v = fake(3, 20);
        let cases = [
            // placeholders
            "password=password".to_owned(),
            "password=changeme".into(),
            "DB_PASSWORD=changeme123".into(),
            "password: 'P@ssw0rd!'".into(),
            "SECRET_KEY=s3cr3t-k3y".into(),
            "password=xxxxxxxxxx".into(),
            "password=**********".into(),
            "password: <password>".into(),
            "password=your_password_here".into(),
            "API_KEY=example-api-key-1".into(),
            "token: dummy-token-value".into(),
            "password=testtesttest".into(),
            "password: null".into(),
            "password: None".into(),
            "secret=true".into(),
            "password=false".into(),
            "password=REDACTED".into(),
            "password = '%s'".into(),
            "password = \"{}\"".into(),
            "password: \"{{ vault_db_password }}\"".into(),
            "PASSWORD=${DB_PASSWORD}".into(),
            "PASSWORD=$DB_PASSWORD".into(),
            "PASSWORD=\"$(cat /run/secrets/db)\"".into(),
            "password = '%(db_pass)s'".into(),
            "password: '#{DbPassword}'".into(),
            "password=@DB_PASSWORD@".into(),
            "password=__DB_PASSWORD__".into(),
            "password = os.environ['DB_PASSWORD']".into(),
            "password: process.env.DB_PASSWORD".into(),
            "password = os.getenv(\"DB\")".into(),
            "password = 'correct horse battery staple'".into(),
            "password: !vault |".into(),
            "token: !Ref ApiToken".into(),
            format!("password = get_pw{v}()"),
            "password = self.db_password".into(),
            "password = config.db.pass".into(),
            "password = settings.DATABASES".into(),
            "token = tokens[0]".into(),
            // paths, URLs, data
            "PASSWORD_FILE=/run/secrets/db_password".into(),
            "SECRET=/run/secrets/app".into(),
            "secret: ./secrets/key.pem".into(),
            "TOKEN=https://auth.internal/token".into(),
            "api_key: data:image/png;base64,iVBORw0KGgoAAAA".into(),
            "token: iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB".into(),
            // hashes, ids, numbers
            "password: 5f4dcc3b5aa765d61d8327deb882cf99".into(),
            "secret: da39a3ee5e6b4b0d3255bfef95601890afd80709".into(),
            "token: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
            "SECRET_ID=123e4567-e89b-12d3-a456-426614174000".into(),
            "client_secret: 123e4567-e89b-12d3-a456-426614174000".into(),
            "password=12345678901".into(),
            "token=2024-01-31T10:00:00".into(),
            "password: sha256:9f86d081884c7d659a2feaa0c55ad015".into(),
            "ACCESS_KEY=AKIAQWERTZUIOPASDFGH".into(),
            // words and variables
            "\"password\": \"Passwort\"".into(),
            "\"secret\": \"Geheimnis\"".into(),
            "password: userPassword".into(),
            "token = accessTokenValue".into(),
            // not assignments
            "if password == \"hunter2hunter2\":".into(),
            format!("password != \"{v}\""),
            format!("TOKENIZER={v}"),
            format!("secretary={v}"),
            format!("password_min_length={v}"),
            format!("token_type={v}"),
            format!("token_url={v}"),
            format!("secret_name={v}"),
            format!("csrf_token = \"{v}\""),
            format!("my password is {v}"),
            format!("\"the password\": \"{v}\""),
            format!("echo $PASSWORD {v}"),
            format!("https://token:{v}@github.com"),
            format!("password=\n{v}"),
            format!("--password-stdin {v}"),
            "[\"worker\", \"--api-secret\", \"--verbose\"]".into(),
            "[\"worker\", \"--db-password=${DB_PASSWORD}\"]".into(),
            "[\"worker\", \"--password\", \"$DB_PASSWORD\"]".into(),
            "mysql -u root -p".into(),
            "mysql -u root -p db < dump.sql".into(),
            "mysql -u root -proot".into(),
            format!("mysql -u root; echo -p{v}"),
            "mysql -p\"$MYSQL_ROOT_PASSWORD\"".into(),
            format!("mysqlx -p{v}"),
            "sshpass -f /tmp/pw ssh host".into(),
            "echo \"root:${ROOT_PASSWORD}\" | chpasswd".into(),
            "echo root:root | chpasswd".into(),
            format!("echo 'root:{v}' || chpasswd"),
            format!("chpasswd < /tmp/{v}"),
            "curl -u admin https://x".into(),
            "curl -u \"$USER:$PASS\" https://x".into(),
            format!("curl https://x; echo -u a:{v}"),
            format!("https://curl.se/-u/a:{v}"),
            format!("ENV DB_PASSWORD {v} and more"),
            format!("RUN DB_PASSWORD {v}"),
            "Authorization: Bearer $TOKEN".into(),
            "Authorization: Bearer ${{ secrets.TOKEN }}".into(),
            "The Bearer token is described below".into(),
            format!("- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db\n- name: X\n  value: {v}\n"),
            "password: ''".into(),
            "password=".into(),
            "password: |".into(),
            "password: &pw".into(),
            "password: *pw".into(),
            "password: [a, b]".into(),
            "password: {a: b}".into(),
            "PASSWORD=aabbccddaabbccdd".into(),
        ];
        for c in &cases {
            none(c);
        }
        assert!(cases.len() >= 40);
    }

    #[test]
    fn real_looking_rules() {
        assert!(real_looking(b"Xk29fj38Lm"));
        assert!(real_looking(b"hunter22x"));
        assert!(real_looking(b"Summer2024!"));
        assert!(real_looking(
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlZmFrZQ"
        ));
        assert!(!real_looking(b"Xk29fj3"), "too short");
        assert!(!real_looking(b"Xk29 fj38Lm"), "space");
        assert!(!real_looking("Xk29fj38L\u{e9}".as_bytes()), "not ASCII");
        assert!(!real_looking(b"abababababab"), "low entropy");
        assert!(!real_looking(b"aaaaaaaaaaaaaaaaaaaab1"), "low entropy");
        assert!(!real_looking(b"ABCDEFGHIJKLMNOP"), "letters only");
        assert!(!real_looking(b"some-plain-words"), "letters only");
        assert!(
            real_looking(b"QmvXkLpRtZwNcHsJdFyGbTeVaUoKiM"),
            "long, both cases"
        );
        assert!(!real_looking(b"10.0.0.254"), "address");
        assert!(!real_looking(b"1.2.3-beta"), "version");
        assert!(!real_looking(b"v10.4.1+build7"), "version");
        assert!(!real_looking(b"C:\\secrets\\a"), "windows path");
        assert!(!real_looking(b"app.key.pem"), "file name");
        assert!(!real_looking(b"ENC(Xk29fj38Lm)"), "jasypt");
        assert!(!real_looking(b"$2b$12$Xk29fj38LmXk29fj38Lm"), "crypt hash");
        assert!(!real_looking(b"sha512-Xk29fj38Lm=="), "SRI");
        assert!(!real_looking(b"Config::PASSWORD"), "code");
        assert!(!real_looking(b"www.example.org"), "host");
        assert!(placeholder(b"  "));
        assert!(placeholder(b"${X}"));
        assert!(placeholder(b"%DB_PASS%"));
        assert!(placeholder(b"adm1n!"));
        assert!(placeholder(b"l3tm31n"));
        assert!(!placeholder(b"Xk29fj38Lm"));
    }

    #[test]
    fn uris() {
        let v = fake(4, 14);
        let cases: Vec<(String, Option<(Code, &str)>)> = vec![
            (
                format!("postgres://app:{v}@db:5432/app"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("postgresql://app:{v}@10.0.0.5/app?sslmode=require"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("mysql://root:{v}@mysql"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("redis://:{v}@cache:6379/0"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("amqp://svc:{v}@rabbit:5672/vhost"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("mongodb+srv://svc:{v}@cluster0.a1b2c.mongodb.net/db"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("mongodb://svc:{v}@h1:27017,h2:27017/db"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("https://x-access-token:{v}@git.example.com/o/r.git"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                format!("DATABASE_URL='postgres://u:{v}@[::1]:5432/d'"),
                Some((Code::SQ34302, v.as_str())),
            ),
            (
                "postgres://u:p%40ss%3Aw0rd9@db/app".to_owned(),
                Some((Code::SQ34302, "p%40ss%3Aw0rd9")),
            ),
            (
                "https://u:Xk2@9fj@host/".to_owned(),
                Some((Code::SQ34302, "Xk2@9fj")),
            ),
            (
                "ftp://u:Q7:x9@host".to_owned(),
                Some((Code::SQ34302, "Q7:x9")),
            ),
            // placeholders
            (
                "postgres://user:password@localhost/db".to_owned(),
                Some((Code::SQ34301, "password")),
            ),
            (
                "amqp://guest:guest@rabbit:5672/".to_owned(),
                Some((Code::SQ34301, "guest")),
            ),
            (
                "postgres://postgres:postgres@db/x".to_owned(),
                Some((Code::SQ34301, "postgres")),
            ),
            (
                "mysql://root:changeme@db".to_owned(),
                Some((Code::SQ34301, "changeme")),
            ),
            (
                "redis://:${REDIS_PASSWORD}@cache".to_owned(),
                Some((Code::SQ34301, "${REDIS_PASSWORD}")),
            ),
            (
                "postgres://${DB_USER}:${DB_PASS}@${DB_HOST}/x".to_owned(),
                Some((Code::SQ34301, "${DB_PASS}")),
            ),
            (
                "postgres://u:$PW@db".to_owned(),
                Some((Code::SQ34301, "$PW")),
            ),
            ("\"%s://%s:%s@%s\"".to_owned(), Some((Code::SQ34301, "%s"))),
            (
                "mysql://u:<password>@db".to_owned(),
                Some((Code::SQ34301, "<password>")),
            ),
            (
                "mysql://u:{{ .Values.db.password }}@db".to_owned(),
                Some((Code::SQ34301, "{{ .Values.db.password }}")),
            ),
            (
                "https://u:***@host".to_owned(),
                Some((Code::SQ34301, "***")),
            ),
            (
                "https://u:xxxxxx@host".to_owned(),
                Some((Code::SQ34301, "xxxxxx")),
            ),
            (
                "https://admin:admin@host".to_owned(),
                Some((Code::SQ34301, "admin")),
            ),
            (
                "https://u:pass@host".to_owned(),
                Some((Code::SQ34301, "pass")),
            ),
            (
                "https://u:%3Cpassword%3E@host".to_owned(),
                Some((Code::SQ34301, "%3Cpassword%3E")),
            ),
            // no credentials
            ("http://user@host/x".to_owned(), None),
            ("http://user:@host/x".to_owned(), None),
            ("https://host/path?x=a:b@c".to_owned(), None),
            ("https://host:8443/a@b".to_owned(), None),
            ("http://[::1]:8080/".to_owned(), None),
            ("git+ssh://git@github.com/o/r".to_owned(), None),
            ("https://u:p@ host".to_owned(), None),
            ("https://u:pa ss@host".to_owned(), None),
            ("https://u:pa\"ss@host".to_owned(), None),
            ("://u:Xk29fj38@host".to_owned(), None),
            ("https://u:Xk29^fj38@host".to_owned(), None),
        ];
        for (text, want) in &cases {
            let b = text.as_bytes();
            let at = text.find("://").unwrap_or(0);
            let got = uri(b, at).map(|f| {
                let kind = if f.code == Code::SQ34301 {
                    "uri-placeholder-password"
                } else {
                    "uri-password"
                };
                assert_eq!(f.kind, kind);
                (f.code, String::from_utf8_lossy(&b[f.range]).into_owned())
            });
            let want = want.map(|(c, s)| (c, s.to_owned()));
            assert_eq!(got, want, "{text}");
        }
        assert_eq!(uri(b"no scheme here", 3), None);
        let text = format!("x postgres://app:{v}@db");
        assert_eq!(uri(text.as_bytes(), 10).map(|f| f.range), Some(17..31));
    }

    #[test]
    fn bounded_and_total_on_hostile_input() {
        // A million keyword hits: each call looks at a bounded window.
        let mut big = Vec::new();
        for i in 0..20_000 {
            big.extend_from_slice(b"password=password_");
            big.extend_from_slice(i.to_string().as_bytes());
            big.push(b' ');
        }
        big.extend_from_slice(&[b'a'; 100_000]);
        let mut hits = 0;
        for at in memmem::find_iter(&big, b"password") {
            hits += usize::from(assignment(&big, at).is_some());
        }
        assert_eq!(hits, 0);
        let long = [b'x'; 5000];
        for text in [
            &b"password="[..],
            b"mysql -p",
            b"sshpass -p",
            b"Bearer ",
            b"a://b:c@",
        ] {
            let mut t = text.to_vec();
            t.extend_from_slice(&long);
            for at in 0..text.len() {
                let _ = assignment(&t, at);
                let _ = uri(&t, at);
            }
        }
        // Every prefix and every position of tricky inputs: no panic.
        let tricky =
            "\"password\\\":\\\"x\" <password>a</ ${PASSWORD:- mysql -p'  sshpass -p Bearer  \
                      define('SECRET', 'name: TOKEN\n value: s://:@ https://u:{{ a://b:<c>@ %";
        let tb = tricky.as_bytes();
        for end in 0..=tb.len() {
            for at in 0..end {
                let _ = assignment(&tb[..end], at);
                let _ = uri(&tb[..end], at);
            }
        }
    }
}
