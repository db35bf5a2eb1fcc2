#!/usr/bin/env bash
# Run the suite on SQLite and on PostgreSQL at the same time. Each pass is one Python process, so two
# cores finish both in about the time of the longer one. Each pass writes its own log, printed whole
# at the end; a line every minute says how far each has got. Fails when either pass fails.
set -u
cd "$(dirname "$0")/.."
logs="$(mktemp -d)"
started=$SECONDS
make -s test-sqlite >"$logs/sqlite.log" 2>&1 &
sqlite=$!
make -s test-postgresql >"$logs/postgresql.log" 2>&1 &
postgresql=$!

progress() {  # the last "[ 42%]" pytest printed, or what the pass is doing before its first test
  grep -o '\[ *[0-9]*%\]' "$1" | tail -n 1 | tr -d '[] ' || true
}
while kill -0 "$sqlite" 2>/dev/null || kill -0 "$postgresql" 2>/dev/null; do
  sleep 5
  if (( (SECONDS - started) % 60 < 5 )); then
    echo "after $((SECONDS - started)) s: SQLite $(progress "$logs/sqlite.log"), PostgreSQL $(progress "$logs/postgresql.log")"
  fi
done
wait "$sqlite"; sqlite_status=$?
wait "$postgresql"; postgresql_status=$?
for name in sqlite postgresql; do
  echo "======== $name ========"
  cat "$logs/$name.log"
done
echo "SQLite pass: exit $sqlite_status; PostgreSQL pass: exit $postgresql_status; $((SECONDS - started)) s in all"
rm -rf "$logs"
(( sqlite_status == 0 && postgresql_status == 0 ))
