-- Creates the Crosscare databases in the PostgreSQL container of docker-compose.yml.
--
-- Keep this list in step with STACK_DATABASES in libs/local-stack/src/stack.ts, which creates the same
-- databases on a locally installed server when `npm run stack:up` is used instead of Docker.
--
-- PostgreSQL has no CREATE DATABASE IF NOT EXISTS, and none is needed: the image runs the scripts in
-- /docker-entrypoint-initdb.d only when its data volume is empty, so this runs exactly once per volume.
-- To run it again, delete the volume (docker compose down -v).

CREATE DATABASE crosscare;
