#!/usr/bin/env bash
# Runs a command with HOOKLINE_TEST_POSTGRES pointing at a throwaway
# PostgreSQL cluster, and removes the cluster afterwards, whatever the
# command's outcome. Nothing outside a temporary folder changes and no
# server is left running.
#
#   scripts/with-postgres.sh go test ./backend/api/
#
# If HOOKLINE_TEST_POSTGRES is already set, the command runs against that
# server. Otherwise initdb and pg_ctl make the cluster in a temporary folder
# (as the postgres user when run as root), on a free loopback port, with a
# random password; `pg_virtualenv CMD` would do the same, but allows one
# cluster per machine at a time.
# Without PostgreSQL installed the command runs on SQLite alone, and says so.
set -euo pipefail

if [[ -n "${HOOKLINE_TEST_POSTGRES:-}" ]]; then
  exec "$@"
fi

PGBIN=""
for d in /usr/lib/postgresql/*/bin; do
  [[ -x "$d/initdb" ]] && PGBIN="$d"
done
if [[ -z "$PGBIN" ]]; then
  echo "with-postgres: PostgreSQL is not installed (make setup installs it); running on SQLite only" >&2
  exec "$@"
fi

# PostgreSQL refuses to run as root: as root, the server runs as the
# postgres user (the Debian package creates it), in a folder it owns.
as=()
if [[ $(id -u) -eq 0 ]]; then
  as=(runuser -u postgres --)
fi

dir=$(mktemp -d)
((${#as[@]})) && chown postgres "$dir"
cleanup() {
  "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
pass=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$pass" >"$dir/pw"
((${#as[@]})) && chown postgres "$dir/pw"
"${as[@]}" "$PGBIN/initdb" -D "$dir/data" -U hookline --pwfile="$dir/pw" -A scram-sha-256 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
export HOOKLINE_TEST_POSTGRES="postgres://hookline:${pass}@127.0.0.1:${port}/postgres?sslmode=disable"
echo "with-postgres: throwaway cluster in $dir on port $port" >&2
set +e
"$@"
status=$?
exit $status
