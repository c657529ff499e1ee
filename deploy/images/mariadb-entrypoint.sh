#!/bin/sh
# First start: initialise the data directory, set the root password and create the
# database, as the official image does; later starts only run the server.
set -eu
: "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set}"
if [ ! -d /var/lib/mysql/mysql ]; then
  chown -R mysql:mysql /var/lib/mysql
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
  mariadbd --user=mysql --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  i=0
  until mariadb-admin --socket=/run/mysqld/init.sock ping >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 60 ] || { echo "mariadb did not start" >&2; exit 1; }
    sleep 1
  done
  db=$(printf '%s' "${MARIADB_DATABASE:-}" | tr -cd 'A-Za-z0-9_')
  pw=$(printf '%s' "$MARIADB_ROOT_PASSWORD" | sed "s/'/''/g")
  mariadb --socket=/run/mysqld/init.sock <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
${db:+CREATE DATABASE IF NOT EXISTS \`$db\`;}
FLUSH PRIVILEGES;
SQL
  mariadb-admin --socket=/run/mysqld/init.sock -uroot -p"$MARIADB_ROOT_PASSWORD" shutdown
  wait "$pid" || true
fi
exec mariadbd --user=mysql --bind-address=0.0.0.0 --port=3306
