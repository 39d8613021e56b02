#!/usr/bin/env bash
# A PostgreSQL primary and a streaming standby on this machine, in a folder of their own, for the
# failover test and for trying a standby out. Uses the installed PostgreSQL binaries (initdb,
# pg_basebackup, pg_ctl); as root, the servers run as the `postgres` user.
#
#   scripts/pg-standby.sh up DIR [sync|async]   primary on $PRIMARY_PORT (55432), standby on
#                                               $STANDBY_PORT (55433); prints the multi-host URL
#   scripts/pg-standby.sh pause-standby DIR     the stream to the standby stalls (SIGSTOP to the
#   scripts/pg-standby.sh resume-standby DIR    primary's WAL sender), as a slow network would; resumes
#   scripts/pg-standby.sh kill-primary DIR      SIGKILL to the primary and every process of it
#   scripts/pg-standby.sh promote DIR           the standby becomes the primary (waits until it is)
#   scripts/pg-standby.sh down DIR              stops both and removes DIR
#
# sync: `synchronous_standby_names = 'standby1'`, `synchronous_commit = on`: a commit is
# acknowledged once the standby has it on disk. async: the same without a synchronous standby.
set -euo pipefail

command=${1:?usage: pg-standby.sh up|pause-standby|resume-standby|kill-primary|promote|down DIR [sync|async]}
dir=${2:?the folder of the pair}
mode=${3:-sync}
primary_port=${PRIMARY_PORT:-55432}
standby_port=${STANDBY_PORT:-55433}
# The ports `up` chose are kept with the pair for the other commands.
if [ "$command" != up ] && [ -f "$dir/ports" ]; then
  read -r primary_port standby_port <"$dir/ports"
fi

bin=$(pg_config --bindir 2>/dev/null || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
[ -x "$bin/initdb" ] || { echo "no PostgreSQL binaries (initdb) found: apt-get install postgresql" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pid_of() { head -n 1 "$dir/$1/postmaster.pid" 2>/dev/null || true; }

case "$command" in
up)
  case "$mode" in sync) names="'standby1'" ;; async) names="''" ;; *) echo "mode: sync or async" >&2; exit 1 ;; esac
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = "0" ] && chown postgres "$dir"
  echo "$primary_port $standby_port" >"$dir/ports"
  as_pg "$bin/initdb" -D "$dir/primary" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log"
  cat >>"$dir/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$dir'
wal_level = replica
max_wal_senders = 4
hot_standby = on
synchronous_commit = on
synchronous_standby_names = $names
wal_sender_timeout = 5s
shared_buffers = 64MB
max_connections = 60
EOF
  as_pg "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start >/dev/null
  as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/standby" -X stream -R >/dev/null
  cat >>"$dir/standby/postgresql.auto.conf" <<EOF
primary_conninfo = 'host=127.0.0.1 port=$primary_port user=postgres application_name=standby1'
port = $standby_port
wal_receiver_status_interval = 1s
EOF
  as_pg "$bin/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w start >/dev/null
  want=$([ "$mode" = sync ] && echo sync || echo async)
  for _ in $(seq 1 50); do
    state=$("$bin/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -d postgres -Atc \
      "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'" 2>/dev/null || true)
    [ "$state" = "$want" ] && break
    sleep 0.2
  done
  [ "$state" = "$want" ] || { echo "the standby is not streaming ($state)" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$primary_port,127.0.0.1:$standby_port/postgres?target_session_attrs=read-write"
  ;;
pause-standby | resume-standby)
  signal=$([ "$command" = pause-standby ] && echo STOP || echo CONT)
  # The primary's WAL sender stops sending: what the primary writes from now on stays on its disk
  # alone (nothing waits in a socket for the standby to read later).
  sender=$(pgrep -P "$(pid_of primary)" -f "walsender" || true)
  [ -n "$sender" ] || { echo "no WAL sender on the primary" >&2; exit 1; }
  kill -s "$signal" $sender
  ;;
kill-primary)
  pid=$(pid_of primary)
  [ -n "$pid" ] || { echo "no primary is running in $dir" >&2; exit 1; }
  kill -9 $(pgrep -P "$pid" || true) "$pid"
  ;;
promote)
  as_pg "$bin/pg_ctl" -D "$dir/standby" -w -t 30 promote >/dev/null
  for _ in $(seq 1 50); do
    ro=$("$bin/psql" -h 127.0.0.1 -p "$standby_port" -U postgres -d postgres -Atc "SHOW transaction_read_only" || true)
    [ "$ro" = "off" ] && break
    sleep 0.2
  done
  [ "$ro" = "off" ] || { echo "the standby did not become writable" >&2; exit 1; }
  # The new primary has no standby of its own yet: a synchronous_standby_names naming one would
  # hold every commit until one is attached. It runs alone (as Patroni's non-strict synchronous
  # mode does) until a new standby is made from it with `pg_basebackup`.
  "$bin/psql" -h 127.0.0.1 -p "$standby_port" -U postgres -d postgres -qAtc \
    "ALTER SYSTEM SET synchronous_standby_names = ''" -c "SELECT pg_reload_conf()" >/dev/null
  ;;
down)
  for node in standby primary; do
    [ -f "$dir/$node/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/$node" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
  ;;
*)
  echo "unknown command $command" >&2
  exit 1
  ;;
esac
