# shellcheck shell=bash
# Shared by benches/compare.sh and benches/fleet.sh (sourced; not run on its own).

# apt_install PKG…: installs Debian packages (apt-get update first when needed).
apt_install() {
    apt-get install -y "$@" >/dev/null 2>&1 ||
        { apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null; }
}

# Other sessions share this machine: before each measurement the script waits until
# all cores have been idle (WAIT_IDLE=0: do not wait; IDLE_TIMEOUT: at most this many
# seconds, default 900, then measure anyway with a warning).
# shellcheck disable=SC2034 # used by the scripts that source this file
CLK_TCK=$(getconf CLK_TCK)
IDLE_TIMEOUT=${IDLE_TIMEOUT:-900}

# busy_ticks: CPU ticks spent busy (all cores) since boot: user, nice, system and
# steal. Interrupt time is left out: a process's own thread wake-ups are served as
# softirqs that /usr/bin/time does not charge to it (a two-thread oomsift run showed
# ~0.14 s of softirq per 1.4 s), which made it look "noisy".
busy_ticks() {
    local c
    read -r -a c </proc/stat
    echo $((c[1] + c[2] + c[3] + c[8]))
}
# cpu_busy SECONDS: percent of the machine busy over SECONDS.
cpu_busy() {
    local a b t
    read -r -a a </proc/stat
    sleep "$1"
    read -r -a b </proc/stat
    t=0
    for i in 1 2 3 4 5 6 7 8; do t=$((t + b[i] - a[i])); done
    echo $((t > 0 ? 100 * (t - (b[4] - a[4]) - (b[5] - a[5])) / t : 0))
}
# wait_idle: until the machine has been under 10 % busy for 6 s (3 samples of 2 s).
wait_idle() {
    [ "${WAIT_IDLE:-1}" = 0 ] && return
    local ok=0 waited=0 b
    while ((ok < 3)); do
        b=$(cpu_busy 2)
        waited=$((waited + 2))
        if ((b < 10)); then ok=$((ok + 1)); else ok=0; fi
        if ((waited >= IDLE_TIMEOUT)); then
            echo "warning: the machine was not idle for ${waited}s (last sample ${b}% busy); measuring anyway" >&2
            return
        fi
    done
    if ((waited > 6)); then echo "(waited ${waited}s for idle cores)" >&2; fi
}
