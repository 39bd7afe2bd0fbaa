#!/usr/bin/env bash
# Run a Neo4j Community server from Maven Central jars, without Docker.
#
#   neo4j-local.sh fetch                 download the pinned jars into ./lib (needs mvn; first run
#                                        fills ~/.m2, later runs are offline-fast)
#   neo4j-local.sh set-password PASS     set the initial password of user neo4j (before first start)
#   neo4j-local.sh console               run the server in the foreground (Ctrl-C stops it)
#   neo4j-local.sh admin ARGS...         run neo4j-admin ARGS with this server's conf (stopped
#                                        server: `admin database import full ...`)
#
# Environment: NEO4J_LOCAL_HOME (data, logs, conf; default ./home), NEO4J_LOCAL_BOLT
# (default 127.0.0.1:7687), NEO4J_LOCAL_HEAP (default 512m), NEO4J_LOCAL_PAGECACHE (128m),
# NEO4J_LOCAL_TX_MAX (512m).  `riskgraph neo4j start|stop|status`
# drives this script and waits for Bolt readiness.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
HOME_DIR="${NEO4J_LOCAL_HOME:-$HERE/home}"
BOLT="${NEO4J_LOCAL_BOLT:-127.0.0.1:7687}"
HEAP="${NEO4J_LOCAL_HEAP:-512m}"
PAGECACHE="${NEO4J_LOCAL_PAGECACHE:-128m}"
TXMAX="${NEO4J_LOCAL_TX_MAX:-512m}"
LIB="$HERE/lib"

fetch() {
  if [ -f "$LIB/.complete" ] && [ "$LIB/.complete" -nt "$HERE/pom.xml" ]; then return 0; fi
  command -v mvn >/dev/null || { echo "neo4j-local: Maven (mvn) is not installed" >&2; exit 3; }
  rm -rf "$LIB"
  mvn -B -q -f "$HERE/pom.xml" dependency:copy-dependencies >&2
  touch "$LIB/.complete"
}

render_conf() {
  mkdir -p "$HOME_DIR"/{conf,data,logs,run,import,plugins}
  sed -e "s#@HOME@#$HOME_DIR#g" -e "s#@BOLT_ADDR@#$BOLT#g" -e "s#@LIB@#$LIB#g" \
    -e "s#@PAGECACHE@#$PAGECACHE#g" -e "s#@TXMAX@#$TXMAX#g" \
    "$HERE/neo4j.conf.template" >"$HOME_DIR/conf/neo4j.conf"
}

java_cmd() {
  command -v java >/dev/null || { echo "neo4j-local: Java 17+ (java) is not installed" >&2; exit 3; }
  # Heap and GC flags on the java line (neo4j.conf is read by the server, not by this script).
  JAVA=(java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
    -XX:+DisableExplicitGC -Djdk.nio.maxCachedBufferSize=1024 -Dfile.encoding=UTF-8 \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
    --add-opens=java.base/java.util=ALL-UNNAMED \
    --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
    --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
    --enable-native-access=ALL-UNNAMED \
    -cp "$HOME_DIR/plugins/*:$HOME_DIR/conf/*:$LIB/*")
}

case "${1:-}" in
  fetch) fetch ;;
  set-password)
    fetch; render_conf; java_cmd
    NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$HOME_DIR/conf" exec "${JAVA[@]}" \
      org.neo4j.cli.AdminTool dbms set-initial-password "${2:?password}" ;;
  admin)
    fetch; render_conf; java_cmd; shift
    NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$HOME_DIR/conf" exec "${JAVA[@]}" \
      org.neo4j.cli.AdminTool "$@" ;;
  console)
    fetch; render_conf; java_cmd
    exec "${JAVA[@]}" org.neo4j.server.CommunityEntryPoint \
      --home-dir="$HOME_DIR" --config-dir="$HOME_DIR/conf" --console-mode ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
