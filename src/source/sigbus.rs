//! The guard of mapped files: a file truncated while it is mapped and read (a live
//! log rotated under the scan, a bundle on a network file system changing) makes the
//! kernel raise SIGBUS at the first access past its new end, which would kill the
//! whole run. Each map is registered here; a SIGBUS inside a registered map replaces
//! the map from the faulting page to its end with zero pages (an anonymous private
//! mapping at the same address, `MAP_FIXED`), marks the map as shrunk and returns, so
//! the read goes on over NUL bytes — which the scan skips as damage — and the source
//! gets a warning (`Body::shrunk`). A SIGBUS outside every registered map goes to the
//! handler that was installed before (the Rust runtime's, or the default: the process
//! ends, as it would have).
//!
//! SAFETY (docs/THREAT-MODEL.md, "Mapped files"): the handler reads only atomics and
//! makes one `mmap` system call; `mmap` is not on POSIX's list of async-signal-safe
//! functions but on Linux and the BSDs it is a plain system call without locks in
//! the C library. The replaced range lies inside a map this process owns and does
//! not unmap while it is registered ([`Guard`] unregisters before the map drops).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Maps guarded at once; a map beyond them is read unguarded, as before.
const SLOTS: usize = 512;

static START: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static LEN: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static HIT: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
static PAGE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: std::sync::Once = std::sync::Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The action before ours, for faults that are not ours.
static mut OLD: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::zeroed();

/// A registered map: unregisters when dropped.
#[derive(Debug)]
pub struct Guard {
    slot: usize,
}

impl Guard {
    /// Did a read past the file's end happen (the file shrank while mapped)?
    pub fn shrunk(&self) -> bool {
        HIT.get(self.slot).is_some_and(|h| h.load(Ordering::SeqCst))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let (Some(s), Some(l)) = (START.get(self.slot), LEN.get(self.slot)) {
            l.store(0, Ordering::SeqCst);
            s.store(0, Ordering::SeqCst);
        }
    }
}

/// Guards the map at `ptr` of `len` bytes; None when it cannot be (no free slot, the
/// handler could not be installed).
pub fn register(ptr: *const u8, len: usize) -> Option<Guard> {
    INSTALL.call_once(install);
    if !INSTALLED.load(Ordering::SeqCst) || len == 0 {
        return None;
    }
    let start = ptr as usize;
    for slot in 0..SLOTS {
        let (Some(s), Some(l), Some(h)) = (START.get(slot), LEN.get(slot), HIT.get(slot)) else {
            continue;
        };
        if s.compare_exchange(0, start, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            h.store(false, Ordering::SeqCst);
            l.store(len, Ordering::SeqCst);
            return Some(Guard { slot });
        }
    }
    None
}

fn install() {
    // SAFETY: plain libc calls with initialized arguments; OLD is written once,
    // here, before the handler that reads it is installed (`Once`).
    unsafe {
        let page = libc::sysconf(libc::_SC_PAGESIZE);
        if let Ok(p) = usize::try_from(page)
            && p.is_power_of_two()
        {
            PAGE.store(p, Ordering::SeqCst);
        }
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = handler as *const () as usize;
        act.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK;
        libc::sigemptyset(&mut act.sa_mask);
        let old = std::ptr::addr_of_mut!(OLD).cast::<libc::sigaction>();
        if libc::sigaction(libc::SIGBUS, &act, old) == 0 {
            INSTALLED.store(true, Ordering::SeqCst);
        }
    }
}

extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: `info` is the kernel's siginfo for this SIGBUS (SA_SIGINFO).
    let addr = unsafe { (*info).si_addr() } as usize;
    let page = PAGE.load(Ordering::SeqCst);
    for slot in 0..SLOTS {
        let (Some(s), Some(l), Some(h)) = (START.get(slot), LEN.get(slot), HIT.get(slot)) else {
            continue;
        };
        let (start, len) = (s.load(Ordering::SeqCst), l.load(Ordering::SeqCst));
        if start == 0 || addr < start || addr - start >= len {
            continue;
        }
        let from = addr & !(page - 1);
        let end = (start + len).div_ceil(page) * page;
        // SAFETY: [from, end) lies within a map this process owns (pages of the
        // registered map, rounded to whole pages); replacing it with zero pages
        // only changes what later reads of it see.
        let p = unsafe {
            libc::mmap(
                from as *mut libc::c_void,
                end - from,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if p != libc::MAP_FAILED {
            h.store(true, Ordering::SeqCst);
            return;
        }
    }
    // Not ours: what was there before decides.
    // SAFETY: OLD was filled by `sigaction` before this handler was installed.
    unsafe {
        let old = &*std::ptr::addr_of!(OLD).cast::<libc::sigaction>();
        if old.sa_flags & libc::SA_SIGINFO != 0 && old.sa_sigaction > libc::SIG_IGN {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(old.sa_sigaction);
            f(sig, info, ctx);
        } else if old.sa_sigaction > libc::SIG_IGN {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(old.sa_sigaction);
            f(sig);
        } else {
            // The default (or ignored, which a real fault cannot be): restore the
            // default; returning repeats the fault, which now ends the process as it
            // would have without us.
            let mut dfl: libc::sigaction = std::mem::zeroed();
            dfl.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(libc::SIGBUS, &dfl, std::ptr::null_mut());
        }
    }
}
