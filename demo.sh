#!/usr/bin/env bash
# Builds HA Stack (tests skipped) and runs the two-node failover demo.
set -euo pipefail
cd "$(dirname "$0")"
echo "Building HA Stack (the first build downloads dependencies; tests run with 'mvn -B verify') ..."
mvn -B -q -DskipTests package
exec java -cp "ha-examples/target/ha-examples-0.1.0-SNAPSHOT.jar:ha-examples/target/lib/*" \
    -Ddemo.logs=ha-examples/target/demo-logs io.hastack.examples.demo.TwoNodeDemo "$@"
