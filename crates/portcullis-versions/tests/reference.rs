//! Differential tests: our order against the reference implementations on
//! this machine, on thousands of generated pairs (tests/support: shared
//! prefixes, `~` and `^`, epochs, pre-releases, leading zeros, long digit
//! runs, letters, separators, whitespace, and edits that make versions
//! invalid). Each reference runs once, as one process over every pair
//! (dpkg: one shell running `dpkg --compare-versions` per pair).
//!
//! * dpkg: `dpkg --compare-versions` (the machine's dpkg);
//! * rpm: `rpm.vercmp` in `rpm --eval '%{lua: …}'` (rpm 4.18);
//! * PEP 440: `packaging.version.Version` in `$PORTCULLIS_REFERENCE_TOOLS/venv`;
//! * npm: `semver.compare` from `$PORTCULLIS_REFERENCE_TOOLS/node/node_modules/semver`;
//! * and, where the machine has them (they are not installed by
//!   scripts/reference-tools.sh, so they are skipped when missing even when
//!   references are required): Maven's `ComparableVersion` (Debian's
//!   maven-artifact jar, run by `java`), RubyGems' `Gem::Version` (`ruby`),
//!   Composer's `VersionParser::normalize` + PHP `version_compare`
//!   (Debian's php-composer-semver, run by `php`), and Go's
//!   `golang.org/x/mod/semver.Compare` as the installed Go toolchain vendors
//!   it (`$GOROOT/src/cmd/vendor`, built in GOPATH mode through a symlink,
//!   nothing copied).
//!
//! The tests run when `PORTCULLIS_REFERENCE_TOOLS` names the tools
//! directory (scripts/reference-tools.sh fills it); otherwise, or when a
//! tool is missing, they print `skipped: <why>` and pass, unless
//! `PORTCULLIS_REFERENCE_TESTS=required`, when they fail. A mismatch prints
//! the pair and both answers; every test prints its pair count and time.

mod support;

use std::cmp::Ordering;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use portcullis_versions::{compare, Scheme};
use support::{hex, pairs};

fn required() -> bool {
    std::env::var("PORTCULLIS_REFERENCE_TESTS").is_ok_and(|v| v == "required")
}

/// Skips (or, when references are required and `core`, fails) the test.
fn skip(why: &str, core: bool) {
    if core && required() {
        panic!("reference test required but not possible: {why}");
    }
    println!("skipped: {why}");
}

fn tools_dir() -> Option<PathBuf> {
    std::env::var_os("PORTCULLIS_REFERENCE_TOOLS")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A reference's answer for one pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Order(Ordering),
    Invalid,
}

fn ours(scheme: Scheme, a: &str, b: &str) -> Answer {
    match compare(scheme, a, b) {
        Ok(o) => Answer::Order(o),
        Err(_) => Answer::Invalid,
    }
}

/// Runs `cmd` with `input` on stdin; its stdout, or a panic with stderr.
fn run(mut cmd: Command, input: &[u8]) -> String {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("reference output");
    writer
        .join()
        .expect("writer thread")
        .expect("writing to the reference");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("reference output is UTF-8")
}

/// The pairs as lines `p HEXA HEXB`.
fn hex_lines(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(a, b)| format!("p {} {}\n", hex(a), hex(b)))
        .collect()
}

/// Parses one answer per line: `L`/`-1`, `E`/`0`, `G`/`1`, anything else
/// invalid.
fn answers(out: &str, n: usize, what: &str) -> Vec<Answer> {
    let v: Vec<Answer> = out
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| match l.trim() {
            "L" | "-1" => Answer::Order(Ordering::Less),
            "E" | "0" => Answer::Order(Ordering::Equal),
            "G" | "1" => Answer::Order(Ordering::Greater),
            _ => Answer::Invalid,
        })
        .collect();
    assert_eq!(v.len(), n, "{what}: {} answers for {n} pairs", v.len());
    v
}

/// Compares every pair's answers; prints the summary and any mismatch.
/// `skip_pair` names pairs on which the reference is known to differ on
/// purpose (counted, not compared).
fn check(
    scheme: Scheme,
    what: &str,
    pairs: &[(String, String)],
    reference: &[Answer],
    started: Instant,
    skip_pair: impl Fn(&str, &str) -> bool,
) {
    let mut mismatches = Vec::new();
    let (mut invalid, mut skipped) = (0, 0);
    for ((a, b), &r) in pairs.iter().zip(reference) {
        if skip_pair(a, b) {
            skipped += 1;
            continue;
        }
        if r == Answer::Invalid {
            invalid += 1;
        }
        let o = ours(scheme, a, b);
        if o != r {
            mismatches.push(format!("  {a:?} vs {b:?}: {what} says {r:?}, we say {o:?}"));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{what}: {} pairs ({invalid} with an invalid side{}), {} mismatches, {secs:.1} s",
        pairs.len() - skipped,
        if skipped > 0 {
            format!("; {skipped} known-divergent pairs not compared")
        } else {
            String::new()
        },
        mismatches.len(),
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches against {what}, first ones:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(30)].join("\n")
    );
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("portcullis-versions-{}-{name}", std::process::id()))
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[test]
fn dpkg_compare_versions() {
    if tools_dir().is_none() {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    }
    if !runs("dpkg", &["--version"]) {
        return skip("no dpkg", true);
    }
    let started = Instant::now();
    // dpkg reads an empty argument as the blank version; we call it invalid.
    let pairs = pairs(Scheme::Dpkg, 0x00d9_4b6e, 8000, |v| {
        !v.is_empty() && !v.contains('\0') && v != "<unknown>"
    });
    let mut script = String::from(
        "c() { dpkg --compare-versions -- \"$1\" lt \"$2\" 2>/dev/null; r=$?; \
         if [ $r -eq 0 ]; then echo L; elif [ $r -eq 1 ]; then \
         if dpkg --compare-versions -- \"$1\" eq \"$2\" 2>/dev/null; then echo E; else echo G; fi; \
         else echo X; fi; }\n",
    );
    for (a, b) in &pairs {
        script.push_str(&format!("c {} {}\n", shell_quote(a), shell_quote(b)));
    }
    let mut cmd = Command::new("sh");
    cmd.arg("-s");
    let out = run(cmd, script.as_bytes());
    let reference = answers(&out, pairs.len(), "dpkg");
    check(
        Scheme::Dpkg,
        "dpkg --compare-versions",
        &pairs,
        &reference,
        started,
        |_, _| false,
    );
}

#[test]
fn rpm_vercmp() {
    if tools_dir().is_none() {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    }
    if !runs("rpm", &["--version"]) {
        return skip("no rpm (scripts/reference-tools.sh installs it)", true);
    }
    let started = Instant::now();
    let pairs = pairs(Scheme::Rpm, 0x0072_706d, 20000, |v| !v.contains('\0'));
    let data = temp_path("rpm-pairs.txt");
    let script = temp_path("rpm-vercmp.lua");
    std::fs::write(&data, hex_lines(&pairs)).expect("write pairs");
    // No '%' in the script: rpm would read it as a macro.
    let lua = format!(
        r#"
local function unhex(h)
  local t = {{}}
  for i = 1, #h - 1, 2 do t[#t + 1] = string.char(tonumber(h:sub(i, i + 1), 16)) end
  return table.concat(t)
end
local out = {{}}
for line in io.lines({data:?}) do
  local s1 = string.find(line, " ", 3, true)
  local a = unhex(string.sub(line, 3, s1 - 1))
  local b = unhex(string.sub(line, s1 + 1))
  local ok, r = pcall(rpm.vercmp, a, b)
  if ok then out[#out + 1] = tostring(r) else out[#out + 1] = "X" end
end
io.write(table.concat(out, "\n"), "\n")
io.flush()
"#,
        data = data.display().to_string()
    );
    std::fs::write(&script, lua).expect("write script");
    let mut cmd = Command::new("rpm");
    cmd.arg("--eval")
        .arg(format!("%{{lua: dofile(\"{}\")}}", script.display()));
    let out = run(cmd, b"");
    let _ = std::fs::remove_file(&data);
    let _ = std::fs::remove_file(&script);
    let reference = answers(&out, pairs.len(), "rpm");
    check(
        Scheme::Rpm,
        "rpm.vercmp (rpm 4.18)",
        &pairs,
        &reference,
        started,
        |_, _| false,
    );
}

#[test]
fn pep440_packaging() {
    let Some(dir) = tools_dir() else {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    };
    let python = dir.join("venv/bin/python");
    if !runs(
        python.to_str().unwrap_or_default(),
        &["-c", "import packaging.version"],
    ) {
        return skip(&format!("no {} with packaging", python.display()), true);
    }
    let started = Instant::now();
    let pairs = pairs(Scheme::Pep440, 0x0070_6570, 20000, |_| true);
    let script = r#"
import sys
from packaging.version import Version
def parse(h):
    try:
        return Version(bytes.fromhex(h).decode("utf-8"))
    except Exception:
        return None
out = []
for line in sys.stdin:
    _, ha, hb = line.rstrip("\n").split(" ")
    a, b = parse(ha), parse(hb)
    if a is None or b is None:
        out.append("X")
    else:
        out.append("L" if a < b else "G" if a > b else "E")
print("\n".join(out))
"#;
    let mut cmd = Command::new(&python);
    cmd.arg("-c").arg(script);
    let out = run(cmd, hex_lines(&pairs).as_bytes());
    let reference = answers(&out, pairs.len(), "packaging");
    let v = run(
        {
            let mut c = Command::new(&python);
            c.arg("-c")
                .arg("import packaging; print(packaging.__version__)");
            c
        },
        b"",
    );
    check(
        Scheme::Pep440,
        &format!("packaging {}", v.trim()),
        &pairs,
        &reference,
        started,
        |_, _| false,
    );
}

#[test]
fn npm_semver() {
    let Some(dir) = tools_dir() else {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    };
    let semver = dir.join("node/node_modules/semver");
    if !semver.join("package.json").is_file() || !runs("node", &["--version"]) {
        return skip(&format!("no node or no {}", semver.display()), true);
    }
    let started = Instant::now();
    let pairs = pairs(Scheme::Npm, 0x006e_706d, 20000, |_| true);
    let script = format!(
        r#"
const semver = require({path:?});
const lines = require("fs").readFileSync(0, "utf8").split("\n");
const out = [];
let loose = 0;
for (const line of lines) {{
  if (!line.startsWith("p ")) continue;
  const [, ha, hb] = line.split(" ");
  const a = Buffer.from(ha, "hex").toString("utf8");
  const b = Buffer.from(hb, "hex").toString("utf8");
  let r;
  try {{ r = String(semver.compare(a, b)); }} catch (e) {{
    try {{ r = String(semver.compare(a, b, true)); loose++; }} catch (e2) {{ r = "X"; }}
  }}
  out.push(r);
}}
process.stdout.write(out.join("\n") + "\n");
process.stderr.write("loose " + loose + " version " + require({pkg:?}).version + "\n");
"#,
        path = semver.display().to_string(),
        pkg = semver.join("package.json").display().to_string(),
    );
    let mut cmd = Command::new("node");
    cmd.arg("-e").arg(script);
    let out = run(cmd, hex_lines(&pairs).as_bytes());
    let reference = answers(&out, pairs.len(), "semver");
    check(
        Scheme::Npm,
        "node-semver semver.compare (loose where strict throws)",
        &pairs,
        &reference,
        started,
        |_, _| false,
    );
}

fn maven_jar() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(d) = tools_dir() {
        candidates.push(d.join("maven-artifact.jar"));
    }
    candidates.extend(
        [
            "/usr/share/java/maven-artifact-3.x.jar",
            "/usr/share/maven/lib/maven-artifact-3.x.jar",
        ]
        .map(PathBuf::from),
    );
    candidates.into_iter().find(|p| p.is_file())
}

#[test]
fn maven_comparable_version() {
    if tools_dir().is_none() {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    }
    let Some(jar) = maven_jar() else {
        return skip("no maven-artifact jar (Debian's libmaven3-core-java)", true);
    };
    if !runs("java", &["-version"]) {
        return skip("no java", true);
    }
    let started = Instant::now();
    let pairs = pairs(Scheme::Maven, 0x006d_766e, 20000, |v| !v.is_empty());
    let dir = temp_path("maven");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = dir.join("MavenRef.java");
    std::fs::write(
        &src,
        r#"
import org.apache.maven.artifact.versioning.ComparableVersion;
import java.io.*;
import java.nio.charset.StandardCharsets;

public class MavenRef {
    public static void main(String[] args) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            String[] f = line.split(" ", -1);
            int c = new ComparableVersion(unhex(f[1])).compareTo(new ComparableVersion(unhex(f[2])));
            out.append(c < 0 ? "L" : c > 0 ? "G" : "E").append('\n');
        }
        System.out.print(out);
    }

    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
"#,
    )
    .expect("write MavenRef.java");
    let mut cmd = Command::new("java");
    cmd.arg("-cp").arg(&jar).arg(&src);
    let out = run(cmd, hex_lines(&pairs).as_bytes());
    let _ = std::fs::remove_dir_all(&dir);
    let reference = answers(&out, pairs.len(), "ComparableVersion");
    // Java's Character.isDigit also takes non-ASCII digits; the generator
    // makes none.
    check(
        Scheme::Maven,
        &format!("ComparableVersion ({})", jar.display()),
        &pairs,
        &reference,
        started,
        |_, _| false,
    );
}

/// Canonical segments as RubyGems before 3.5 computed them: trailing zeros
/// dropped from the numeric part and from the rest separately.
fn old_rubygems_canonical(v: &str) -> Option<Vec<String>> {
    let segs = portcullis_versions::rubygems::segments(v).ok()?;
    let first_str = segs
        .iter()
        .position(|s| !s.bytes().all(|c| c.is_ascii_digit()))
        .unwrap_or(segs.len());
    let trim = |p: &[String]| {
        let mut p = p.to_vec();
        while p.last().is_some_and(|s| s == "0") {
            p.pop();
        }
        p
    };
    let mut out = trim(&segs[..first_str]);
    out.extend(trim(&segs[first_str..]));
    Some(out)
}

fn rubygems_diverges(v: &str) -> bool {
    old_rubygems_canonical(v) != portcullis_versions::rubygems::canonical_segments(v).ok()
}

#[test]
fn rubygems_gem_version() {
    if tools_dir().is_none() {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    }
    if !runs("ruby", &["-e", "require 'rubygems'"]) {
        return skip("no ruby", true);
    }
    let started = Instant::now();
    // RubyGems reads the empty string as "0"; we call it invalid.
    let pairs = pairs(Scheme::RubyGems, 0x0067_656d, 20000, |v| {
        !v.trim().is_empty()
    });
    let script = r#"
require "rubygems"
out = []
STDIN.each_line do |line|
  _, ha, hb = line.chomp.split(" ", -1)
  a = [ha].pack("H*").force_encoding("UTF-8")
  b = [hb].pack("H*").force_encoding("UTF-8")
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    out << (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s
  else
    out << "X"
  end
end
puts out
STDERR.puts "rubygems #{Gem::VERSION}"
"#;
    let mut cmd = Command::new("ruby");
    cmd.arg("-e").arg(script);
    let out = run(cmd, hex_lines(&pairs).as_bytes());
    let reference = answers(&out, pairs.len(), "Gem::Version");
    let v = run(
        {
            let mut c = Command::new("ruby");
            c.arg("-e").arg("print Gem::VERSION");
            c
        },
        b"",
    );
    // Before RubyGems 3.5 a zero between letters counted ("1.a.0.b" >
    // "1.a.b"); on such pairs an older reference differs on purpose.
    let old = v
        .split('.')
        .take(2)
        .map(|p| p.parse::<u32>().unwrap_or(0))
        .collect::<Vec<_>>()
        < vec![3, 5];
    check(
        Scheme::RubyGems,
        &format!("Gem::Version (RubyGems {v})"),
        &pairs,
        &reference,
        started,
        |a, b| old && (rubygems_diverges(a) || rubygems_diverges(b)),
    );
}

/// `\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,max_short}` matching all of `s`.
fn date_shape(s: &[u8], max_short: u8) -> bool {
    fn rest(s: &[u8], pos: usize, two: u8, short: u8, max_short: u8) -> bool {
        if pos == s.len() {
            return two >= 1;
        }
        let p = pos + usize::from(matches!(s[pos], b'.' | b':' | b'-'));
        let n = s[p..].iter().take_while(|c| c.is_ascii_digit()).count();
        (short == 0 && two < 6 && n >= 2 && rest(s, p + 2, two + 1, 0, max_short))
            || (two >= 1
                && short < max_short
                && (1..=n.min(3)).any(|k| rest(s, p + k, two, short + 1, max_short)))
    }
    s.len() >= 4 && s[..4].iter().all(u8::is_ascii_digit) && rest(s, 4, 0, 0, max_short)
}

/// Whether `v` reads as a date version only with two short trailing groups,
/// which composer/semver 3.4 allows (`(?:[.:-]?\d{1,3}){0,2}`) and 3.3 did not
/// (`(?:[.:-]?\d{1,3})?`): "20091128.04.0.895". An over-approximation: it
/// only names pairs not compared.
fn composer_two_short_groups(v: &str) -> bool {
    let v = v.trim();
    let v = v.split(" as ").next().unwrap_or(v);
    let v = v.split('@').next().unwrap_or(v);
    let v = v.split('+').next().unwrap_or(v);
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let run = v
        .bytes()
        .take_while(|c| c.is_ascii_digit() || matches!(c, b'.' | b':' | b'-'))
        .count();
    let m = &v.as_bytes()[..run];
    let Some(last) = m.iter().rposition(u8::is_ascii_digit) else {
        return false;
    };
    let m = &m[..=last];
    date_shape(m, 2) && !date_shape(m, 1)
}

fn composer_autoload() -> Option<PathBuf> {
    let p = Path::new("/usr/share/php/Composer/Semver/autoload.php");
    p.is_file().then(|| p.to_path_buf())
}

#[test]
fn composer_version_compare() {
    if tools_dir().is_none() {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    }
    let Some(autoload) = composer_autoload() else {
        return skip("no composer/semver (Debian's php-composer-semver)", true);
    };
    if !runs("php", &["-v"]) {
        return skip("no php", true);
    }
    let started = Instant::now();
    let pairs = pairs(Scheme::Composer, 0x0070_6870, 20000, |v| !v.contains('\n'));
    let script = format!(
        r#"
require {autoload:?};
$p = new Composer\Semver\VersionParser();
$out = [];
while (($line = fgets(STDIN)) !== false) {{
    $f = explode(" ", rtrim($line, "\n"));
    $a = hex2bin($f[1]);
    $b = hex2bin($f[2]);
    try {{
        $na = $p->normalize($a);
        $nb = $p->normalize($b);
    }} catch (\Exception $e) {{
        $out[] = "X";
        continue;
    }}
    if (strpos($na, "dev-") === 0 || strpos($nb, "dev-") === 0) {{
        $out[] = "B";
        continue;
    }}
    $out[] = (string) version_compare($na, $nb);
}}
echo implode("\n", $out), "\n";
"#,
        autoload = autoload.display().to_string()
    );
    let mut cmd = Command::new("php");
    cmd.arg("-r").arg(script);
    let out = run(cmd, hex_lines(&pairs).as_bytes());
    let reference = answers(&out, pairs.len(), "composer/semver");
    let v = run(
        {
            let mut c = Command::new("dpkg-query");
            c.args(["-W", "-f", "${Version}", "php-composer-semver"]);
            c
        },
        b"",
    );
    // Debian's composer/semver 3.3 allows one short group at the end of
    // a date version; 3.4, which we follow, two.
    let old = v.starts_with("3.3") || v.starts_with("3.2");
    check(
        Scheme::Composer,
        &format!("composer/semver {v} normalize + PHP version_compare"),
        &pairs,
        &reference,
        started,
        |a, b| old && (composer_two_short_groups(a) || composer_two_short_groups(b)),
    );
}

#[test]
fn go_x_mod_semver() {
    if tools_dir().is_none() {
        return skip("PORTCULLIS_REFERENCE_TOOLS is not set", true);
    }
    let goroot = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let Some(xmod) = goroot
        .map(|r| r.join("src/cmd/vendor/golang.org/x/mod"))
        .filter(|d| d.join("semver/semver.go").is_file())
    else {
        return skip(
            "no go toolchain with a vendored golang.org/x/mod/semver",
            true,
        );
    };
    let started = Instant::now();
    // x/mod wants the 'v'; we take it optional (compared separately in
    // tests/upstream.rs).
    let pairs = pairs(Scheme::Go, 0x676f_6c67, 20000, |v| v.starts_with('v'));
    let dir = temp_path("go");
    let src = dir.join("src/golang.org/x");
    std::fs::create_dir_all(&src).expect("GOPATH");
    std::os::unix::fs::symlink(&xmod, src.join("mod")).expect("symlink x/mod");
    let main = dir.join("main.go");
    std::fs::write(
        &main,
        r#"package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.Split(in.Text(), " ")
		a, _ := hex.DecodeString(f[1])
		b, _ := hex.DecodeString(f[2])
		if !semver.IsValid(string(a)) || !semver.IsValid(string(b)) {
			fmt.Fprintln(out, "X")
			continue
		}
		fmt.Fprintln(out, semver.Compare(string(a), string(b)))
	}
}
"#,
    )
    .expect("write main.go");
    let mut cmd = Command::new("go");
    cmd.arg("run")
        .arg(&main)
        .current_dir(&dir)
        .env("GO111MODULE", "off")
        .env("GOPATH", &dir)
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOCACHE", dir.join("cache"));
    let out = run(cmd, hex_lines(&pairs).as_bytes());
    let _ = std::fs::remove_dir_all(&dir);
    let reference = answers(&out, pairs.len(), "x/mod/semver");
    check(
        Scheme::Go,
        &format!("golang.org/x/mod/semver ({})", xmod.display()),
        &pairs,
        &reference,
        started,
        |_, _| false,
    );
}
