//! The symbol names the parser keeps ([`of_interest`]); everything else in
//! a symbol table is skipped without being copied.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Called by code built with a stack protector when the canary is wrong.
pub const STACK_CHK_FAIL: &str = "__stack_chk_fail";
/// The global canary, where the platform does not keep it in TLS.
pub const STACK_CHK_GUARD: &str = "__stack_chk_guard";
/// i386/ppc32 PIC code calls this hidden local wrapper (from
/// `libc_nonshared.a`) instead of [`STACK_CHK_FAIL`]; seen in `.symtab`.
pub const STACK_CHK_FAIL_LOCAL: &str = "__stack_chk_fail_local";
/// Intel's compiler's canary, which checksec also counts as a canary.
pub const INTEL_SECURITY_COOKIE: &str = "__intel_security_cookie";

/// String functions without a bound: Microsoft SDL `banned.h`'s C library
/// names that glibc has (its `strcpy`, `strcat`, `strncpy`, `strncat`,
/// `sprintf`, `vsprintf`, `strtok` groups and their wide forms); `git`'s
/// `banned.h` bans the same string functions.
pub const BANNED_STRING: &[&str] = &[
    "strcpy", "strcat", "strncpy", "strncat", "sprintf", "vsprintf", "strtok", "wcscpy", "wcscat",
    "wcsncpy", "wcsncat", "wcstok", "stpcpy", "wcpcpy",
];

/// Memory copies: Microsoft SDL `banned.h` (`memcpy`, `wmemcpy`, in its
/// "recommended" set), with `memmove`, `wmemmove` and `bcopy` as
/// HARDENING.md lists them.
pub const BANNED_MEMORY: &[&str] = &["memcpy", "wmemcpy", "memmove", "wmemmove", "bcopy"];

/// Input without a bound: Microsoft SDL `banned.h`'s `gets` and `scanf`
/// family, with the names glibc's headers redirect them to
/// (`__isoc99_*`, and `__isoc23_*` since glibc 2.38).
pub const BANNED_INPUT: &[&str] = &[
    "gets",
    "scanf",
    "fscanf",
    "sscanf",
    "vscanf",
    "vfscanf",
    "vsscanf",
    "wscanf",
    "fwscanf",
    "swscanf",
    "vwscanf",
    "vfwscanf",
    "vswscanf",
    "__isoc99_scanf",
    "__isoc99_fscanf",
    "__isoc99_sscanf",
    "__isoc99_vscanf",
    "__isoc99_vfscanf",
    "__isoc99_vsscanf",
    "__isoc99_wscanf",
    "__isoc99_fwscanf",
    "__isoc99_swscanf",
    "__isoc99_vwscanf",
    "__isoc99_vfwscanf",
    "__isoc99_vswscanf",
    "__isoc23_scanf",
    "__isoc23_fscanf",
    "__isoc23_sscanf",
    "__isoc23_vscanf",
    "__isoc23_vfscanf",
    "__isoc23_vsscanf",
    "__isoc23_wscanf",
    "__isoc23_fwscanf",
    "__isoc23_swscanf",
    "__isoc23_vwscanf",
    "__isoc23_vfwscanf",
    "__isoc23_vswscanf",
];

/// Functions that have a fortified variant: the `X` of every `__X_chk`
/// entry point glibc 2.36's `libc.so.6` exports (Debian 12, x86_64),
/// except `__fdelt_chk` (the `FD_SET` macros, not a function) and
/// `__longjmp_chk` (listed as the three `longjmp`s it stands for).
pub const FORTIFIABLE: &[&str] = &[
    "asprintf",
    "confstr",
    "dprintf",
    "explicit_bzero",
    "fgets",
    "fgets_unlocked",
    "fgetws",
    "fgetws_unlocked",
    "fprintf",
    "fread",
    "fread_unlocked",
    "fwprintf",
    "getcwd",
    "getdomainname",
    "getgroups",
    "gethostname",
    "getlogin_r",
    "gets",
    "getwd",
    "longjmp",
    "_longjmp",
    "siglongjmp",
    "mbsnrtowcs",
    "mbsrtowcs",
    "mbstowcs",
    "memcpy",
    "memmove",
    "mempcpy",
    "memset",
    "obstack_printf",
    "obstack_vprintf",
    "poll",
    "ppoll",
    "pread64",
    "pread",
    "printf",
    "ptsname_r",
    "read",
    "readlink",
    "readlinkat",
    "realpath",
    "recv",
    "recvfrom",
    "snprintf",
    "sprintf",
    "stpcpy",
    "stpncpy",
    "strcat",
    "strcpy",
    "strncat",
    "strncpy",
    "swprintf",
    "syslog",
    "ttyname_r",
    "vasprintf",
    "vdprintf",
    "vfprintf",
    "vfwprintf",
    "vprintf",
    "vsnprintf",
    "vsprintf",
    "vswprintf",
    "vsyslog",
    "vwprintf",
    "wcpcpy",
    "wcpncpy",
    "wcrtomb",
    "wcscat",
    "wcscpy",
    "wcsncat",
    "wcsncpy",
    "wcsnrtombs",
    "wcsrtombs",
    "wcstombs",
    "wctomb",
    "wmemcpy",
    "wmemmove",
    "wmempcpy",
    "wmemset",
    "wprintf",
];

/// A fortified entry point: `__` + X + `_chk`, not the stack protector's
/// own `__stack_chk_*`.
pub fn is_fortified(name: &str) -> bool {
    name.len() > "___chk".len()
        && name.starts_with("__")
        && name.ends_with("_chk")
        && !name.starts_with("__stack_chk")
}

/// Whether the parser keeps this (version-less) symbol name.
pub fn of_interest(name: &str) -> bool {
    static NAMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    if is_fortified(name) {
        return true;
    }
    NAMES
        .get_or_init(|| {
            let mut all: HashSet<&'static str> = [
                STACK_CHK_FAIL,
                STACK_CHK_GUARD,
                STACK_CHK_FAIL_LOCAL,
                INTEL_SECURITY_COOKIE,
            ]
            .into_iter()
            .collect();
            for list in [BANNED_STRING, BANNED_MEMORY, BANNED_INPUT, FORTIFIABLE] {
                all.extend(list.iter().copied());
            }
            all
        })
        .contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fortified_names_are_told_from_the_stack_protector() {
        assert!(is_fortified("__memcpy_chk"));
        assert!(is_fortified("__printf_chk"));
        assert!(!is_fortified("__stack_chk_fail"));
        assert!(!is_fortified("__stack_chk_guard"));
        assert!(!is_fortified("___chk"));
        assert!(!is_fortified("memcpy"));
    }

    #[test]
    fn interest_covers_every_list_and_nothing_else() {
        for name in BANNED_STRING
            .iter()
            .chain(BANNED_MEMORY)
            .chain(BANNED_INPUT)
            .chain(FORTIFIABLE)
        {
            assert!(of_interest(name), "{name}");
        }
        assert!(of_interest(STACK_CHK_FAIL));
        assert!(of_interest(STACK_CHK_GUARD));
        assert!(of_interest("__strcpy_chk"));
        assert!(!of_interest("malloc"));
        assert!(!of_interest("main"));
        assert!(!of_interest("memcpy@GLIBC_2.14"));
    }
}
