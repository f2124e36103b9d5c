# syntax=docker/dockerfile:1
# portcullis in a container: built from this repository, run as a non-root
# user on a distroless base (glibc and libgcc only: no shell, no package
# manager). It scans itself with the default policy and passes
# (crates/portcullis/tests/self_image.rs).
#
#   docker build -t portcullis .
#   docker run --rm -v "$PWD:/src" -w /src portcullis scan Dockerfile
#
# Bases are pinned by digest: a tag can be moved, a digest cannot. Where
# they come from: rust:1.95.0-slim-bookworm (the toolchain the tests run on,
# Cargo.toml's rust-version: a dependency, backhand, needs 1.90) and
# gcr.io/distroless/cc-debian12:nonroot as published; to update, take the
# new digest from `docker buildx imagetools inspect <tag>` (or
# `skopeo inspect --format '{{.Digest}}' docker://<tag>`).
ARG BUILDER=docker.io/library/rust:1.95.0-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082
ARG BASE=gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f
# The stage the binary is taken from: `compile` builds it; the self-image
# test passes an image that holds the binary the test suite built, so the
# runtime stage below is the one it checks.
ARG BINARY=compile

FROM ${BUILDER} AS compile
WORKDIR /src
COPY . .
# --locked: the versions of Cargo.lock, nothing newer. No debug info and
# stripped: the release profile keeps line tables for profiling, which an
# image has no use for (and SQ34203 reports).
RUN cargo build --release --locked -p portcullis \
        --config 'profile.release.debug=0' --config 'profile.release.strip=true' \
    && mkdir -p /out \
    && cp target/release/portcullis /out/portcullis

FROM ${BINARY} AS binary

# portcullis ignore=SQ41101 reason="a command-line tool, not a service: there is nothing to probe"
FROM ${BASE}
LABEL org.opencontainers.image.title="portcullis" \
      org.opencontainers.image.description="Container image and Dockerfile policy gate" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=binary --chown=0:0 --chmod=0755 /out/portcullis /usr/local/bin/portcullis
# distroless' nonroot user, by number: runtimes can check a numeric USER
# is not root without reading /etc/passwd.
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/portcullis"]
CMD ["scan"]
