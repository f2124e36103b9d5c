//! `compare` allocates nothing for valid versions of the schemes the
//! matcher compares most (dpkg, rpm, apk, PEP 440, npm, SemVer, Go, NuGet,
//! Cargo): a counting global allocator around each call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use portcullis_versions::{compare, Scheme};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn common_schemes_do_not_allocate() {
    let cases: &[(Scheme, &str, &str)] = &[
        (Scheme::Dpkg, "1:2.36.1-8+deb12u1", "1:2.36.1-8+deb12u2"),
        (Scheme::Dpkg, "1.0~rc1-1ubuntu0.22.04.1", "1.0-1"),
        (Scheme::Rpm, "0:1.2.3-4.el9_1", "1.2.3-4.el9"),
        (Scheme::Rpm, "1.0~rc1^git2-1", "1.0-1"),
        (Scheme::Apk, "1.2.3_rc1-r0", "1.2.3-r1"),
        (Scheme::Pep440, "1!2.0.0rc1.post2.dev3+ubuntu.1", "2.0"),
        (Scheme::Npm, "=v1.2.3-beta.11+build", "1.2.3-beta.2"),
        (Scheme::SemVer, "1.0.0-alpha.1", "1.0.0-alpha.beta"),
        (Scheme::Cargo, "0.4.20", "0.4.3"),
        (Scheme::Go, "v0.0.0-20191109021931-daa7c04131f5", "0.0.1"),
        (Scheme::NuGet, "1.0.0.1-RC.2+meta", "1.0.0-rc.10"),
    ];
    for &(scheme, a, b) in cases {
        // A first call outside the count (nothing lazy is expected, but
        // the test should not depend on it).
        assert!(compare(scheme, a, b).is_ok());
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let r = compare(scheme, a, b);
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert!(r.is_ok(), "{scheme}: {a} vs {b}: {r:?}");
        assert_eq!(after - before, 0, "{scheme}: {a} vs {b} allocated");
    }
    // The counter counts: Maven builds item lists.
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    assert!(compare(Scheme::Maven, "1.0-SNAPSHOT", "1.0").is_ok());
    assert!(
        ALLOCATIONS.load(Ordering::Relaxed) > before,
        "the counter saw nothing"
    );
}
