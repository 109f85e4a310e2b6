# syntax=docker/dockerfile:1
#
# hookflow in a container: docker build -t hookflow . && docker run -p 8055:8055 -v hookflow-data:/data hookflow
# (docs/operating.md#docker). SQLite is compiled with cgo, so the program is
# built against the C library of the image it runs in: both stages are
# Debian of the same release.

ARG GO_IMAGE=golang:1.26-trixie
ARG RUNTIME_IMAGE=debian:trixie-slim

FROM ${GO_IMAGE} AS build
WORKDIR /src
# Modules first: a change of the code alone reuses this layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/hookflow ./cmd/hookflow

FROM ${RUNTIME_IMAGE}
# ca-certificates: outgoing HTTPS (webhook deliveries, the request
# operation); curl: the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home hookflow \
    && mkdir -p /data \
    && chown hookflow:hookflow /data
COPY --from=build /out/hookflow /usr/local/bin/hookflow
# The database, its lock and the generated key file live in the volume.
ENV HOST=0.0.0.0 \
    PORT=8055 \
    DB_FILENAME=/data/hookflow.db
VOLUME ["/data"]
WORKDIR /data
USER hookflow:hookflow
EXPOSE 8055
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/server/health" >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/hookflow"]
