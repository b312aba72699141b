# The OrderFlow image: `orderflow` (serve, migrate, worker, create-admin, ...) on a slim Debian, as a non-root user.
#
#   docker build -t orderflow .                       # official bases from Docker Hub
#   make image                                        # offline bases (scripts/build-image.sh), as CI does
#
# Build arguments:
#   RUST_IMAGE       builder base (default rust:1.95-slim-bookworm): Debian with gcc, libc6-dev, cargo on PATH
#   RUNTIME_IMAGE    runtime base (default debian:bookworm-slim): Debian with apt-get
#   GIT_COMMIT       the commit `orderflow --version` prints (there is no .git in the build)
#   EXTRA_CA_CERTS   PEM certificates the build stages trust besides Debian's (a TLS-inspecting proxy between
#                    the build and crates.io); never in the final image
# Both bases must be Debian bookworm (the runtime installs bookworm's libpq5 and libssl3 for the builder's
# libpq-dev and libssl-dev). scripts/offline-base-images.sh builds stand-ins for them without a registry.
#
# Layers: the dependencies are compiled from a skeleton of the workspace (manifests and Cargo.lock, stub sources:
# scripts/docker/cargo-skeleton.sh), so a change to the code alone recompiles only the workspace's crates.
# Works with the classic builder and with BuildKit.

ARG RUST_IMAGE=rust:1.95-slim-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- planner: the workspace's skeleton ---
FROM ${RUST_IMAGE} AS planner
WORKDIR /src
COPY . .
LABEL org.orderflow.build=planner
RUN bash scripts/docker/cargo-skeleton.sh /skeleton

# --- builder: dependencies (cached until a manifest or Cargo.lock changes), then the binary ---
FROM ${RUST_IMAGE} AS builder
ARG EXTRA_CA_CERTS=
RUN set -eu; \
    if [ -n "$EXTRA_CA_CERTS" ]; then \
        printf '%s\n' "$EXTRA_CA_CERTS" >/usr/local/share/ca-certificates/build-extra.crt; \
        update-ca-certificates >/dev/null; \
    fi
# libpq (diesel's pq-sys) and OpenSSL (native-tls: lettre, reqwest) to link against.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
ENV CARGO_TERM_COLOR=never \
    CARGO_NET_RETRY=5
WORKDIR /src
COPY --from=planner /skeleton/ ./
RUN cargo build --release --locked --bin orderflow

# Labelled from here on: scripts/build-image.sh prunes superseded build layers by this label.
LABEL org.orderflow.build=builder
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY migrations migrations
ARG GIT_COMMIT=unknown
ENV ORDERFLOW_GIT_COMMIT=${GIT_COMMIT}
# The copied sources keep their (older) modification times: touch them, or cargo would keep the stubs' build.
RUN find crates migrations -type f -exec touch {} + \
    && cargo build --release --locked --bin orderflow \
    && install -m 0755 target/release/orderflow /usr/local/bin/orderflow \
    && /usr/local/bin/orderflow --version

# --- runtime ---
FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates libpq5 libssl3 \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
# The service's user; MEDIA_ROOT (uploaded images) is its home, writable by it alone. A named volume mounted
# there starts with this ownership.
RUN groupadd --system --gid 10001 orderflow \
    && useradd --system --uid 10001 --gid orderflow --home-dir /var/lib/orderflow --no-create-home \
        --shell /usr/sbin/nologin orderflow \
    && install -d -o orderflow -g orderflow -m 0755 /var/lib/orderflow /var/lib/orderflow/media
COPY --from=builder /usr/local/bin/orderflow /usr/local/bin/orderflow
# DATABASE_URL and the rest (env.example) come from the environment.
ENV HOST=0.0.0.0 \
    PORT=8000 \
    MEDIA_ROOT=/var/lib/orderflow/media \
    RUST_LOG=info
USER 10001:10001
WORKDIR /var/lib/orderflow
EXPOSE 8000
ARG GIT_COMMIT=unknown
LABEL org.orderflow.build=runtime \
    org.opencontainers.image.title="OrderFlow" \
    org.opencontainers.image.description="OrderFlow order-management service" \
    org.opencontainers.image.licenses="MIT" \
    org.opencontainers.image.revision="${GIT_COMMIT}"
ENTRYPOINT ["orderflow"]
CMD ["serve"]
