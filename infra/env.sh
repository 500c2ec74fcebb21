# Shared settings for the infra scripts. Source it; every value can be overridden by the environment.
# The cache lives outside the repository so a fresh clone reuses what an earlier one obtained.
: "${REDRESS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/redress}"
: "${REDRESS_DATA_DIR:=$REDRESS_CACHE/data}"
: "${TEMPORAL_CLI_VERSION:=1.5.1}"
# The server the CLI embeds, and the version docker-compose.yml runs (keep them in step).
: "${TEMPORAL_SERVER_VERSION:=1.29.1}"
: "${TEMPORAL_UI_VERSION:=2.42.1}"
export REDRESS_CACHE REDRESS_DATA_DIR TEMPORAL_CLI_VERSION TEMPORAL_SERVER_VERSION TEMPORAL_UI_VERSION
export REDRESS_TEMPORAL_SERVER_DIR="$REDRESS_CACHE/temporal-server-$TEMPORAL_SERVER_VERSION"
export REDRESS_TEMPORAL_BIN="$REDRESS_CACHE/temporal-cli-$TEMPORAL_CLI_VERSION/temporal"
export REDRESS_KAFKA_LIBS="$REDRESS_CACHE/kafka-libs"
export REDRESS_TEST_SERVER="$REDRESS_CACHE/temporal-test-server/run.sh"
