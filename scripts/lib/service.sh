# Shared by the scripts that start a throwaway server for the tests
# (s3.sh, azurite.sh, pg.sh, mariadb.sh): sourced, not run. Each caller
# sets `log` (its own prefix on stderr) and, for the pid helpers,
# `pid_file`; diagnostics go to stderr so stdout carries only the URL.

# Whether nothing listens on 127.0.0.1:$1.
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The port to start on: $2 when set (the caller's BW_*_PORT), else the
# first free one from $1.
pick_port() {
    local port="$1"
    if [ -n "${2:-}" ]; then
        printf '%s\n' "$2"
        return
    fi
    while ! port_free "$port"; do port=$((port + 1)); done
    printf '%s\n' "$port"
}

# Whether the process in $pid_file is alive.
running() {
    [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# `stop`: kill the process in $pid_file, forget it, and exit.
stop_and_exit() {
    if running; then kill "$(cat "$pid_file")"; fi
    rm -f "$pid_file"
    log "stopped"
    exit 0
}

# Starts "$@" in the background with its output in $log_file, records its
# pid, and waits up to 10 s for it to listen on $port; if it dies or never
# listens, shows the end of its log and exits 1.
start_and_wait() {
    nohup "$@" >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 1 100); do
        if ! port_free "$port"; then return 0; fi
        if ! running; then break; fi
        sleep 0.1
    done
    log "server failed to start; log follows"
    tail -n 50 "$log_file" >&2
    exit 1
}
