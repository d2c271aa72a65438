#!/bin/sh
# Creates the Crosscare services' login roles in the PostgreSQL container of docker-compose.yml, each owning its own
# schema (docs/security.md, Postgres): crosscare-roles.psql, generated from libs/local-stack/src/database-roles.ts,
# with the passwords from the container's environment (docker-compose.yml passes them; none is committed).
#
# The image runs it once, when the data volume is first initialised. It is idempotent, so on an existing volume (made
# before the roles existed) run it by hand; it also hands over what the services created as the superuser:
#   docker compose exec postgres /docker-entrypoint-initdb.d/02-crosscare-roles.sh
# Executable on purpose: the image sources .sh files that are not, and these checks must not end its own shell.

missing=''
for name in INGEST REGISTRY PROJECTOR_CCR PROJECTOR_OHC RECORD_API_CCR SDE_PUBLISHER SUBSCRIPTIONS; do
  eval "value=\${CROSSCARE_DB_${name}_PASSWORD:-}"
  [ -n "$value" ] || missing="$missing CROSSCARE_DB_${name}_PASSWORD"
done
if [ -n "$missing" ]; then
  echo "02-crosscare-roles.sh: set$missing (docs/security.md, Postgres)" >&2
  exit 1
fi

exec psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname crosscare \
  -v ingest_password="$CROSSCARE_DB_INGEST_PASSWORD" \
  -v registry_password="$CROSSCARE_DB_REGISTRY_PASSWORD" \
  -v projector_ccr_password="$CROSSCARE_DB_PROJECTOR_CCR_PASSWORD" \
  -v projector_ohc_password="$CROSSCARE_DB_PROJECTOR_OHC_PASSWORD" \
  -v record_api_ccr_password="$CROSSCARE_DB_RECORD_API_CCR_PASSWORD" \
  -v sde_publisher_password="$CROSSCARE_DB_SDE_PUBLISHER_PASSWORD" \
  -v subscriptions_password="$CROSSCARE_DB_SUBSCRIPTIONS_PASSWORD" \
  -f "$(dirname "$0")/crosscare-roles.psql"
