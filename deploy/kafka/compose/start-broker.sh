#!/usr/bin/env bash
# Runs a secured single-node Kafka (KRaft) in the apache/kafka image, for docker-compose.yml and for the tests'
# testcontainers broker (libs/testing), instead of the image's own start script: its server.properties is Crosscare's,
# rendered by libs/local-stack/src/kafka-layout.ts like the local stack's (SASL_SSL with SCRAM-SHA-512 for clients,
# StandardAuthorizer, the admin the only super user), and the storage is formatted on first start with the admin's
# SCRAM credential, the one user that exists before the broker answers; every other principal is made by the admin.
#
#   CLUSTER_ID                    the KRaft cluster id
#   CROSSCARE_KAFKA_CONFIG        the server.properties to run with
#   CROSSCARE_KAFKA_ADMIN_SCRAM   a file holding the kafka-storage --add-scram argument (a salted password)
set -euo pipefail

config=${CROSSCARE_KAFKA_CONFIG:?CROSSCARE_KAFKA_CONFIG is not set}
scram=${CROSSCARE_KAFKA_ADMIN_SCRAM:?CROSSCARE_KAFKA_ADMIN_SCRAM is not set}
: "${CLUSTER_ID:?CLUSTER_ID is not set}"
for file in "$config" "$scram"; do
  if [ ! -f "$file" ] || [ ! -s "$file" ]; then
    echo "kafka: $file is missing or empty: run npm run compose:secrets before docker compose up" >&2
    exit 78
  fi
done

data=$(sed -n 's/^log\.dirs=//p' "$config")
marker="$data/crosscare-secured"
if [ -f "$data/meta.properties" ] && [ ! -f "$marker" ]; then
  echo "kafka: the data in $data predates authentication (it has no admin user):" \
    "docker compose down -v deletes it, and the next start makes a secured cluster" >&2
  exit 78
fi
if [ ! -f "$data/meta.properties" ]; then
  /opt/kafka/bin/kafka-storage.sh format --cluster-id "$CLUSTER_ID" --config "$config" \
    --add-scram "$(tr -d '\n' < "$scram")"
  echo 'SASL_SSL, SCRAM-SHA-512, StandardAuthorizer' > "$marker"
fi

exec /opt/kafka/bin/kafka-server-start.sh "$config"
