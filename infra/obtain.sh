#!/usr/bin/env bash
# Obtains, once, everything the local stack and the tests run on, into $REDRESS_CACHE:
#   - the Temporal CLI (dev server + UI), built from its Go module (no release downloads here);
#   - a Kafka broker (KRaft) and its logging backend, as jars from Maven Central;
#   - Temporal's time-skipping test server (Java), from Maven Central, behind a small exec wrapper;
#   - docker-compose (Debian), only to validate docker-compose.yml: no Docker engine runs here;
#   - PostgreSQL (Debian's package), the server the store's tests run on besides embedded PGlite;
#   - Chromium (Debian's package), the headless browser the web pages' tests drive (no browser download);
#   - on request (`obtain.sh temporal-server`), the Temporal server, its SQL tool and UI server for scripts/cluster.
# Each step is skipped when its result is already cached; an interrupted step leaves no half result,
# because everything is built in a temporary directory and moved into place last.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$here/env.sh"
mkdir -p "$REDRESS_CACHE"
log() { printf '[obtain] %s\n' "$*" >&2; }

need() { command -v "$1" >/dev/null 2>&1 || { log "missing prerequisite: $1 ($2)"; exit 1; }; }

obtain_temporal_cli() {
  [ -x "$REDRESS_TEMPORAL_BIN" ] && return 0
  need go "Go 1.22+ builds the Temporal CLI"
  log "building the Temporal CLI v$TEMPORAL_CLI_VERSION from its Go module (a few minutes the first time)"
  local tmp; tmp="$(mktemp -d "$REDRESS_CACHE/.temporal-cli.XXXXXX")"
  # v1.5.1 is the newest tag whose go.mod has no replace directive, so `go install` can build it.
  # CGO is off: the SQLite driver is pure Go, and the binary then needs no C toolchain.
  CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION"
  mkdir -p "$(dirname "$REDRESS_TEMPORAL_BIN")"
  mv "$tmp/temporal" "$REDRESS_TEMPORAL_BIN"
  rmdir "$tmp"
}

# The production topology (scripts/cluster) runs the Temporal server itself, not the dev server: the
# server, its SQL schema tool and the UI server, each built from its Go module at the version
# docker-compose.yml names (neither go.mod has a replace directive, so `go install` builds them).
obtain_temporal_server() {
  [ -x "$REDRESS_TEMPORAL_SERVER_DIR/temporal-server" ] && [ -x "$REDRESS_TEMPORAL_SERVER_DIR/temporal-sql-tool" ] \
    && [ -x "$REDRESS_TEMPORAL_SERVER_DIR/temporal-ui-server" ] && [ -d "$REDRESS_TEMPORAL_SERVER_DIR/schema" ] && return 0
  need go "Go 1.22+ builds the Temporal server"
  log "building temporal-server, temporal-sql-tool v$TEMPORAL_SERVER_VERSION and the UI server v$TEMPORAL_UI_VERSION from their Go modules (many minutes the first time)"
  local tmp; tmp="$(mktemp -d "$REDRESS_CACHE/.temporal-server.XXXXXX")"
  CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-mod=mod go install \
    "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION"
  CGO_ENABLED=0 GOBIN="$tmp/ui" GOFLAGS=-mod=mod go install "github.com/temporalio/ui-server/v2/cmd/server@v$TEMPORAL_UI_VERSION"
  mv "$tmp/server" "$tmp/temporal-server"
  mv "$tmp/sql" "$tmp/temporal-sql-tool"
  mv "$tmp/ui/server" "$tmp/temporal-ui-server" && rmdir "$tmp/ui"
  # The SQL schemas ship inside the server's module; the UI server's configuration template inside its own.
  local mod; mod="$(go env GOMODCACHE)"
  cp -r "$mod/go.temporal.io/server@v$TEMPORAL_SERVER_VERSION/schema/postgresql/v12" "$tmp/schema"
  chmod -R u+w "$tmp/schema"
  rm -rf "$REDRESS_TEMPORAL_SERVER_DIR"
  mv "$tmp" "$REDRESS_TEMPORAL_SERVER_DIR"
}

# Copies the runtime jars a pom declares into $2, through a temporary directory.
maven_jars() {
  local pom="$1" dest="$2"
  [ -d "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ] && return 0
  need mvn "Maven resolves the broker and test server from Maven Central"
  need java "Java 17+ runs the broker and test server"
  local tmp; tmp="$(mktemp -d "$REDRESS_CACHE/.jars.XXXXXX")"
  log "resolving $(basename "$(dirname "$pom")") jars from Maven Central"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp" "$dest"
}

obtain_test_server() {
  [ -x "$REDRESS_TEST_SERVER" ] && return 0
  local dir; dir="$(dirname "$REDRESS_TEST_SERVER")"
  maven_jars "$here/maven/test-server/pom.xml" "$dir/libs"
  # `exec` matters: the SDK stops the server by signalling this script's pid, which must be the JVM.
  # C1-only compilation starts the JVM fast enough for the SDK's few seconds of patience.
  cat >"$dir/run.sh.tmp" <<SH
#!/usr/bin/env bash
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m -cp '$dir/libs/*' io.temporal.testserver.TestServer "\$@"
SH
  chmod +x "$dir/run.sh.tmp"
  mv "$dir/run.sh.tmp" "$REDRESS_TEST_SERVER"
}

obtain_docker_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's docker-compose (used only to validate docker-compose.yml)"
    (apt-get install -y -qq docker-compose >/dev/null 2>&1) || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq docker-compose >/dev/null; }
  else
    log "docker-compose is not installed and cannot be installed without root; its validation test will report that"
  fi
}

# The store's query suite runs on a real PostgreSQL server too; the stack itself needs none (PGlite).
obtain_postgres() {
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's postgresql (the store's tests run on it as well as on PGlite)"
    (apt-get install -y -qq postgresql >/dev/null 2>&1) || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null; }
  else
    log "PostgreSQL is not installed and cannot be installed without root: the store's tests on it will fail"
  fi
}

# The people's pages are tested in a real browser, driven by playwright-core with executablePath
# (test/support/browser.ts): Debian's build, since `playwright install` downloads and fails here.
obtain_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's chromium (the web pages' browser tests drive it headless)"
    (apt-get install -y -qq chromium >/dev/null 2>&1) || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null; }
  else
    log "chromium is not installed and cannot be installed without root: the browser tests will fail"
  fi
}

what="${1:-all}"
case "$what" in
  temporal) obtain_temporal_cli ;;
  kafka) maven_jars "$here/maven/kafka/pom.xml" "$REDRESS_KAFKA_LIBS" ;;
  test-server) obtain_test_server ;;
  docker-compose) obtain_docker_compose ;;
  postgres) obtain_postgres ;;
  chromium) obtain_chromium ;;
  # Not in `all`: only scripts/cluster needs it, and it is many minutes of build.
  temporal-server) obtain_temporal_server ;;
  all)
    obtain_temporal_cli
    maven_jars "$here/maven/kafka/pom.xml" "$REDRESS_KAFKA_LIBS"
    obtain_test_server
    obtain_docker_compose
    obtain_postgres
    obtain_chromium
    ;;
  *) log "usage: obtain.sh [all|temporal|kafka|test-server|docker-compose|postgres|chromium|temporal-server]"; exit 2 ;;
esac
