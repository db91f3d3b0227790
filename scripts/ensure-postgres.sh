#!/usr/bin/env bash
# Makes sure the PostgreSQL server the store tests run against answers on 127.0.0.1:5432 with trust
# authentication and a database `test`. Installs and starts Debian's postgresql only when nothing
# answers; when the server is already there it costs a fraction of a second.
set -euo pipefail

host=127.0.0.1
port=5432
database=test

usable() {
  command -v pg_isready >/dev/null && pg_isready -q -h "$host" -p "$port" \
    && psql -h "$host" -p "$port" -U postgres -d "$database" -tAc "SELECT 1" >/dev/null 2>&1
}
usable && exit 0

as_root=()
as_postgres=(runuser -u postgres --)
if [[ $(id -u) -ne 0 ]]; then
  as_root=(sudo)
  as_postgres=(sudo -u postgres)
fi

if ! command -v pg_ctlcluster >/dev/null; then
  echo "ensure-postgres: installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba=/etc/postgresql/$version/main/pg_hba.conf
trust="host all all $host/32 trust"
# pg_hba.conf is read top down and the first matching line wins, so the rule goes first.
if ! "${as_root[@]}" grep -qxF "$trust" "$hba"; then
  "${as_root[@]}" sed -i "1i $trust" "$hba"
fi

# Inside containers there is no systemd to hand the cluster to.
"${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
  || "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main reload
for _ in $(seq 1 30); do
  pg_isready -q -h "$host" -p "$port" && break
  sleep 1
done

exists=$("${as_postgres[@]}" psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")
[[ "$exists" == 1 ]] || "${as_postgres[@]}" createdb "$database"

usable || { echo "ensure-postgres: PostgreSQL does not answer on $host:$port" >&2; exit 1; }
