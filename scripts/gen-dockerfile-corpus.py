#!/usr/bin/env python3
"""Generate a deterministic corpus of realistic Dockerfiles for benchmarking.

Usage: gen-dockerfile-corpus.py OUTDIR [--count 10000] [--seed 42]

Writes OUTDIR/00000.Dockerfile ... (flat layout keeps the command line short
when all files are passed to one linter invocation) plus OUTDIR/.corpus-stamp,
which records count, seed and a hash of this script so callers can tell whether
an existing corpus is current.

Each file is built from its own RNG seeded with "<seed>:<index>", so file N is
the same whatever --count is, and the whole corpus is byte-for-byte reproducible.
Pure standard library (Python 3.11+).

The files mimic real projects (Go/Rust/Java/Node/Python/Ruby multi-stage builds,
Debian/Ubuntu/Alpine services, static sites) and deliberately include both good
practice and common lint bait (unpinned tags, apt without
--no-install-recommends, USER root, ADD of URLs, shell-form CMD, `cd` in RUN).
Every file is meant to be accepted by BuildKit's Dockerfile parser.

Known hadolint (2.15.x) parser limitations this generator stays clear of, so that
the comparison measures linting rather than parse failures:
  * anything directly after a heredoc terminator line (instruction or comment)
    is a parse error; a blank line must follow (hadolint issue #960) -- we
    always emit one, which is also the common style;
  * several heredocs in one instruction (RUN <<A ... <<B) and the tab-stripping
    form <<-EOF are not parsed, so they are not generated.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
from pathlib import Path

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

ORGS = ["acme", "initech", "globex", "umbrella", "hooli", "stark", "wayne",
        "tyrell", "cyberdyne", "soylent", "vandelay", "wonka", "aperture"]
APPS = ["api", "web", "worker", "gateway", "billing", "auth", "search",
        "notifier", "scheduler", "ingest", "exporter", "proxy", "console",
        "inventory", "payments", "reports", "metrics", "uploader", "crawler"]

APT_COMMON = ["ca-certificates", "curl", "wget", "git", "gnupg", "unzip",
              "tzdata", "locales", "jq", "procps", "less", "openssh-client",
              "netcat-openbsd", "dumb-init", "tini", "gettext-base", "xz-utils",
              "iproute2", "dnsutils", "rsync", "vim-tiny", "file", "zstd"]
APT_BUILD = ["build-essential", "pkg-config", "libssl-dev", "libpq-dev",
             "libffi-dev", "zlib1g-dev", "libxml2-dev", "libxslt1-dev",
             "libjpeg-dev", "libsqlite3-dev", "cmake", "autoconf", "libtool",
             "default-libmysqlclient-dev", "libyaml-dev", "libcurl4-openssl-dev"]
APT_RUNTIME = ["libpq5", "libssl3", "libffi8", "libxml2", "libjpeg62-turbo",
               "libsqlite3-0", "libyaml-0-2", "libcurl4", "fontconfig",
               "fonts-dejavu-core", "imagemagick", "ffmpeg", "postgresql-client",
               "default-mysql-client", "redis-tools"]
APT_PINS = {"curl": "7.88.1-10+deb12u8", "ca-certificates": "20230311",
            "git": "1:2.39.5-0+deb12u1", "tzdata": "2024a-0+deb12u1",
            "jq": "1.6-2.1", "libpq5": "15.10-0+deb12u1", "wget": "1.21.3-1+b2"}
APK_PKGS = ["ca-certificates", "curl", "tzdata", "bash", "git", "jq",
            "openssl", "libc6-compat", "tini", "su-exec", "busybox-extras",
            "libstdc++", "icu-libs", "gettext", "postgresql-client"]
APK_BUILD = ["build-base", "gcc", "musl-dev", "linux-headers", "libffi-dev",
             "openssl-dev", "postgresql-dev", "make", "cmake"]

HEALTH_PATHS = ["/", "/healthz", "/health", "/status", "/ready", "/-/healthy",
                "/api/health", "/ping"]

LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "MPL-2.0", "proprietary"]

# Comment lines sprinkled in the way people actually write them.
STAGE_COMMENTS = {
    "build": ["# Build stage", "# ---- build ----", "# Compile the application",
              "# Builder image with the full toolchain",
              "# Stage 1: build"],
    "runtime": ["# Runtime stage", "# ---- runtime ----",
                "# Minimal runtime image", "# Stage 2: run",
                "# Final image: only the binary and its runtime deps"],
    "deps": ["# Install dependencies first so this layer is cached",
             "# Dependencies change less often than sources",
             "# Cache dependency downloads"],
    "user": ["# Run as an unprivileged user", "# Don't run as root",
             "# Create a dedicated user"],
    "misc": ["# TODO: pin this version", "# See README for build args",
             "# hadolint ignore=DL3008", "# Keep in sync with CI",
             "# NOTE: order matters for layer caching",
             "# Copy the rest of the source",
             "# Timezone and locale", "# Healthcheck used by the orchestrator"],
}


class Ctx:
    """Per-file generation state: the RNG and a few file-wide style choices."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.lines: list[str] = []
        self.org = rng.choice(ORGS)
        self.app = rng.choice(APPS)
        self.indent = rng.choice(["    ", "    ", "  ", "\t"])
        # File-wide feature switches.
        self.use_heredoc = rng.random() < 0.2
        self.use_mounts = rng.random() < 0.35
        self.comment_rate = rng.choice([0.0, 0.15, 0.3, 0.5])
        self.blank_between = rng.random() < 0.8
        self.pin_packages = rng.random() < 0.2
        self.app_uid_arg = False  # set when ARG APP_UID is declared
        self.alpine = False  # set once apk is used: pick wget over curl etc.
        self.no_shell = False  # scratch/distroless stage: no RUN makes sense

    # -- low level -------------------------------------------------------
    def emit(self, *lines: str) -> None:
        self.lines.extend(lines)

    def blank(self) -> None:
        if self.blank_between and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def maybe_comment(self, kind: str = "misc", p: float | None = None) -> None:
        if self.r.random() < (self.comment_rate if p is None else p):
            self.emit(self.r.choice(STAGE_COMMENTS[kind]))

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def sample(self, seq, lo: int, hi: int) -> list:
        return self.r.sample(seq, self.r.randint(lo, min(hi, len(seq))))

    # -- instruction helpers ---------------------------------------------
    def run_chain(self, cmds: list[str], flags: str = "",
                  comments: dict[int, str] | None = None,
                  style: str | None = None) -> None:
        """RUN with a backslash-continued chain of commands.

        `comments` maps a command index to a comment line placed *inside* the
        continuation before that command (BuildKit drops such lines)."""
        comments = comments or {}
        style = style or self.pick(["and_leading", "and_trailing", "semicolon"])
        head = "RUN " + (flags + " " if flags else "")
        if len(cmds) == 1 and not comments:
            self.emit(head + cmds[0])
            return
        ind = self.indent
        out: list[str] = []
        if style == "semicolon":
            out.append(head + "set -eux; \\")
            for i, c in enumerate(cmds):
                if i in comments:
                    out.append(ind + comments[i])
                last = i == len(cmds) - 1
                out.append(ind + c + ("" if last else "; \\"))
        elif style == "and_trailing":
            for i, c in enumerate(cmds):
                if i in comments and i > 0:
                    out.append(ind + comments[i])
                last = i == len(cmds) - 1
                text = c + ("" if last else " && \\")
                out.append((head if i == 0 else ind) + text)
        else:  # and_leading
            for i, c in enumerate(cmds):
                if i in comments and i > 0:
                    out.append(ind + comments[i])
                last = i == len(cmds) - 1
                tail = "" if last else " \\"
                out.append((head + c if i == 0 else ind + "&& " + c) + tail)
        self.emit(*out)

    def run_heredoc(self, body: list[str], flags: str = "",
                    interp: str = "") -> None:
        """RUN <<EOF ... EOF, always followed by a blank line (see module doc)."""
        delim = self.pick(["EOF", "EOF", "EOT", "SCRIPT", "END"])
        quoted = self.chance(0.2)
        opener = f"'{delim}'" if quoted else delim
        head = "RUN " + (flags + " " if flags else "") + "<<" + opener
        if interp:
            head += " " + interp
        self.emit(head, *body, delim, "")

    def copy_heredoc(self, dest: str, body: list[str], chmod: str = "") -> None:
        delim = self.pick(["EOF", "EOT", "CONF"])
        flags = f"--chmod={chmod} " if chmod else ""
        self.emit(f"COPY {flags}<<{delim} {dest}", *body, delim, "")

    def apt_packages(self, pool: list[str], lo: int, hi: int) -> list[str]:
        pkgs = sorted(self.sample(pool, lo, hi))
        if self.pin_packages:
            pkgs = [f"{p}={APT_PINS[p]}" if p in APT_PINS else p for p in pkgs]
        return pkgs

    def apt_install(self, pkgs: list[str], purge: list[str] | None = None) -> None:
        """The classic update/install/clean chain, in one of several styles."""
        r = self.r
        nir = "--no-install-recommends " if r.random() < 0.75 else ""
        yes = r.choice(["-y", "-y", "-yq", "--yes", "-qq -y"])
        upd = r.choice(["apt-get update", "apt-get update -qq", "apt-get update"])
        clean = r.choice(["rm -rf /var/lib/apt/lists/*",
                          "rm -rf /var/lib/apt/lists/*",
                          "apt-get clean && rm -rf /var/lib/apt/lists/*"])
        env = "DEBIAN_FRONTEND=noninteractive " if r.random() < 0.3 else ""
        mode = r.random()
        if self.use_heredoc and mode < 0.35:
            body = ["set -eux", upd,
                    f"{env}apt-get install {yes} {nir}" + " ".join(pkgs)]
            if purge:
                body.append("apt-get purge -y --auto-remove " + " ".join(purge))
            body.append(clean)
            self.run_heredoc(body)
            return
        if self.use_mounts and mode < 0.55:
            # Cache mounts make the list cleanup unnecessary.
            self.emit("RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\",
                      f"{self.indent}--mount=type=cache,target=/var/lib/apt,sharing=locked \\",
                      f"{self.indent}{upd} && {env}apt-get install {yes} {nir}"
                      + " ".join(pkgs))
            return
        if len(pkgs) <= 3 and r.random() < 0.5:
            self.emit(f"RUN {upd} && {env}apt-get install {yes} {nir}"
                      + " ".join(pkgs) + f" && {clean}")
            return
        # Long form: one package per line, sometimes with a comment inside the
        # continuation (valid: BuildKit strips comment lines in continuations).
        ind = self.indent
        out = [f"RUN {upd} \\",
               f"{ind}&& {env}apt-get install {yes} {nir}\\"]
        comment_at = r.randrange(len(pkgs)) if r.random() < 0.3 else -1
        for i, p in enumerate(pkgs):
            if i == comment_at:
                out.append(f"{ind}{ind}# {p.split('=')[0]} is needed at runtime")
            out.append(f"{ind}{ind}{p} \\")
        if purge:
            out.append(f"{ind}&& apt-get purge -y --auto-remove "
                       + " ".join(purge) + " \\")
        if r.random() < 0.2:
            out.append(f"{ind}# keep the image small")
        out.append(f"{ind}&& {clean}")
        self.emit(*out)

    def apk_install(self, pkgs: list[str], virtual_build: list[str] | None = None) -> None:
        self.alpine = True
        if virtual_build:
            self.run_chain(["apk add --no-cache " + " ".join(pkgs),
                            "apk add --no-cache --virtual .build-deps "
                            + " ".join(virtual_build),
                            self.pick(["make install", "./configure && make",
                                       "pip install --no-cache-dir -r requirements.txt",
                                       "gem install bundler"]),
                            "apk del .build-deps"])
        elif self.chance(0.15):
            self.emit("RUN apk update && apk add " + " ".join(pkgs))  # lint bait
        else:
            self.emit("RUN apk add --no-cache " + " ".join(pkgs))

    def labels(self) -> None:
        kv = [f'org.opencontainers.image.title="{self.app}"',
              f'org.opencontainers.image.source="https://github.com/{self.org}/{self.app}"',
              f'org.opencontainers.image.licenses="{self.pick(LICENSES)}"',
              f'org.opencontainers.image.vendor="{self.org.capitalize()} Inc."',
              f'maintainer="{self.org} platform team <platform@{self.org}.example>"',
              f'version="{self.r.randint(0, 4)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}"',
              f'org.opencontainers.image.description="The {self.app} service"',
              f'com.{self.org}.team={self.pick(["core", "infra", "data", "web"])}']
        chosen = self.sample(kv, 2, 6)
        if self.chance(0.3):
            self.emit("LABEL " + " ".join(chosen))
        else:
            ind = "      " if self.chance(0.6) else self.indent
            out = ["LABEL " + chosen[0] + " \\"]
            for i, item in enumerate(chosen[1:]):
                out.append(ind + item + (" \\" if i < len(chosen) - 2 else ""))
            self.emit(*out)

    def expose(self, default: int) -> None:
        r = self.r
        roll = r.random()
        if roll < 0.55:
            ports = [str(default)]
        elif roll < 0.7:
            ports = [str(default), str(r.choice([9090, 9100, 8081, 9464]))]
        elif roll < 0.8:
            ports = ["80", "443"]
        elif roll < 0.86:
            ports = [str(default), "22"]
        elif roll < 0.92:
            lo = r.choice([8000, 9000, 30000, 7000])
            ports = [f"{lo}-{lo + r.choice([5, 10, 20])}"]
        elif roll < 0.97:
            ports = [f"{default}/tcp", f"{r.choice([53, 514, 5353, 8125])}/udp"]
        else:
            ports = [f"{default}/tcp"]
        self.emit("EXPOSE " + " ".join(ports))

    def healthcheck(self, port: int, tool: str = "curl") -> None:
        r = self.r
        roll = r.random()
        if roll < 0.45:
            return
        path = r.choice(HEALTH_PATHS)
        if roll < 0.5:
            self.emit("HEALTHCHECK NONE")
            return
        opts = [f"--interval={r.choice([10, 15, 30, 60])}s"]
        if r.random() < 0.6:
            opts.append(f"--timeout={r.choice([3, 5, 10])}s")
        if r.random() < 0.4:
            opts.append(f"--start-period={r.choice([5, 10, 30])}s")
        if r.random() < 0.4:
            opts.append(f"--retries={r.choice([3, 5])}")
        host = "http://localhost" + ("" if port == 80 else f":{port}") + path
        if tool == "wget":
            cmd = f"wget -qO- {host} || exit 1"
        else:
            cmd = f"curl -f {host} || exit 1"
        if r.random() < 0.25:
            exe = ["curl", "-f", host] if tool == "curl" else ["wget", "-qO-", host]
            cmd = "[" + ", ".join(f'"{a}"' for a in exe) + "]"
        if r.random() < 0.3:
            self.emit("HEALTHCHECK " + " ".join(opts) + " \\", self.indent + "CMD " + cmd)
        else:
            self.emit("HEALTHCHECK " + " ".join(opts) + " CMD " + cmd)

    def create_user(self, alpine: bool) -> str:
        """Create a user; returns the USER argument to use afterwards."""
        r = self.r
        if r.random() < 0.3:
            self.emit("ARG APP_UID=10001")
            self.app_uid_arg = True
            if alpine:
                self.emit("RUN addgroup -S -g ${APP_UID} app && "
                          "adduser -S -D -u ${APP_UID} -G app -h /app app")
            else:
                self.emit("RUN groupadd --system --gid ${APP_UID} app \\",
                          f"{self.indent}&& useradd --system --uid ${{APP_UID}} "
                          "--gid app --home-dir /app --shell /usr/sbin/nologin app")
            return r.choice(["${APP_UID}", "${APP_UID}", "app"])
        if alpine:
            self.emit(r.choice(["RUN addgroup -S app && adduser -S -G app app",
                                "RUN adduser -D -H -u 1000 app",
                                "RUN addgroup -g 1001 -S app && adduser -u 1001 -S app -G app"]))
        else:
            self.emit(r.choice(["RUN useradd --create-home --shell /bin/bash app",
                                "RUN groupadd -r app && useradd -r -g app app",
                                "RUN useradd -u 10001 -r -s /usr/sbin/nologin app",
                                "RUN adduser --disabled-password --gecos '' app"]))
        return r.choice(["app", "app", "app:app", "10001"])

    def final_user(self, user: str) -> None:
        roll = self.r.random()
        if roll < 0.12:
            self.emit("USER root")  # lint bait
        elif roll < 0.22:
            return  # no USER at all: runs as root implicitly
        else:
            self.emit(f"USER {user}")

    def cmd(self, exec_form: list[str], shell_form: str,
            entrypoint: list[str] | None = None) -> None:
        def js(args: list[str]) -> str:
            return "[" + ", ".join(f'"{a}"' for a in args) + "]"
        if entrypoint:
            self.emit("ENTRYPOINT " + js(entrypoint))
        if self.chance(0.25):
            self.emit("CMD " + shell_form)
        else:
            self.emit("CMD " + js(exec_form))

    def filler(self) -> None:
        """Optional instructions real files often carry."""
        r = self.r
        roll = r.random()
        if roll < 0.15:
            self.emit(f"ENV TZ={r.choice(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'])} "
                      "LANG=C.UTF-8")
        elif roll < 0.25:
            self.emit(f"ENV LOG_LEVEL=${{LOG_LEVEL:-{r.choice(['info', 'debug', 'warn'])}}}")
        elif roll < 0.32:
            self.emit(r.choice(['VOLUME ["/data"]', "VOLUME /var/lib/app /var/log/app",
                                'VOLUME ["/cache", "/tmp"]']))
        elif roll < 0.38:
            self.emit(f"STOPSIGNAL {r.choice(['SIGTERM', 'SIGINT', 'SIGQUIT'])}")
        elif roll < 0.44:
            self.emit("ARG BUILD_DATE", "ARG VCS_REF",
                      'LABEL org.opencontainers.image.created="${BUILD_DATE}" '
                      'org.opencontainers.image.revision="${VCS_REF}"')
        self.extras(self.alpine)


    def extras(self, alpine: bool) -> None:
        """0..n extra blocks (long-tailed), so sizes vary like real files do."""
        r = self.r
        n = min(7, int(r.expovariate(1 / 1.7)))
        for _ in range(n):
            self.blank() if r.random() < 0.3 else None
            roll = r.random()
            if self.no_shell:  # only the blocks without RUN
                roll = r.choice([0.0, 0.35, 0.55, 0.8])
            if roll < 0.16:
                self.maybe_comment("misc", 0.5)
                ind = self.indent
                kv = [f"{self.app.upper()}_{k}={v}" for k, v in r.sample([
                    ("ENV", "${APP_ENV:-production}"), ("PORT", "${PORT:-8080}"),
                    ("LOG_FORMAT", "json"), ("DATA_DIR", "/var/lib/" + self.app),
                    ("CONFIG", f"/etc/{self.app}/config.yaml"), ("WORKERS", "4"),
                    ("TMPDIR", "/tmp"), ("FEATURE_FLAGS", '"a,b,c"')], r.randint(2, 5))]
                self.emit("ENV " + kv[0] + " \\",
                          *[ind + x + " \\" for x in kv[1:-1]], ind + kv[-1])
            elif roll < 0.30:
                d = f"/var/lib/{self.app}"
                self.run_chain([f"mkdir -p {d} /var/log/{self.app} /etc/{self.app}",
                                f"chown -R {r.choice(['app:app', '10001:10001', 'nobody'])} {d} /var/log/{self.app}",
                                f"chmod 0750 {d}"])
            elif roll < 0.42:
                self.maybe_comment("misc", 0.6)
                self.emit(f"COPY config/{self.app}.yaml /etc/{self.app}/config.yaml",
                          f"COPY {r.choice(['scripts/', 'bin/', 'docker/'])} /usr/local/bin/")
            elif roll < 0.54:
                tool = r.choice(["kubectl", "helm", "yq", "grpc_health_probe", "dockerize",
                                 "migrate", "envsubst"])
                ver = f"v{r.randint(1, 3)}.{r.randint(0, 30)}.{r.randint(0, 9)}"
                self.emit(f"ARG {tool.upper()}_VERSION={ver}")
                if alpine or r.random() < 0.5:
                    self.run_chain([
                        f"wget -q -O /tmp/{tool}.tar.gz https://github.com/example/{tool}/releases/download/${{{tool.upper()}_VERSION}}/{tool}-linux-amd64.tar.gz",
                        f"tar -xzf /tmp/{tool}.tar.gz -C /usr/local/bin {tool}",
                        f"rm /tmp/{tool}.tar.gz"], style="and_leading")
                else:
                    self.run_chain([
                        f"curl -fsSLo /usr/local/bin/{tool} https://github.com/example/{tool}/releases/download/${{{tool.upper()}_VERSION}}/{tool}-linux-amd64",
                        f'echo "{"%064x" % r.getrandbits(256)}  /usr/local/bin/{tool}" | sha256sum -c -',
                        f"chmod +x /usr/local/bin/{tool}"], style=r.choice(["semicolon", "and_leading"]))
            elif roll < 0.62:
                self.emit(f"ARG {r.choice(['APP_VERSION', 'GIT_SHA', 'BUILD_NUMBER'])}",
                          "ENV APP_VERSION=${APP_VERSION:-0.0.0} "
                          "APP_REVISION=${GIT_SHA:-unknown}")
            elif roll < 0.70:
                if self.use_heredoc:
                    self.run_heredoc(["set -eu",
                                      f"ln -sf /dev/stdout /var/log/{self.app}/access.log",
                                      f"ln -sf /dev/stderr /var/log/{self.app}/error.log"])
                else:
                    self.emit(f"RUN ln -sf /dev/stdout /var/log/{self.app}/access.log "
                              f"&& ln -sf /dev/stderr /var/log/{self.app}/error.log")
            elif roll < 0.78:
                if self.use_mounts:
                    self.emit(f"RUN --mount=type=secret,id={r.choice(['netrc', 'npmrc', 'pip_conf'])} \\",
                              f"{self.indent}--mount=type=cache,target=/root/.cache \\",
                              f"{self.indent}./scripts/fetch-assets.sh")
                else:
                    self.emit("RUN ./scripts/fetch-assets.sh")
            elif roll < 0.86:
                self.labels()
            elif roll < 0.93:
                self.emit(f"# {r.choice(['FIXME', 'TODO', 'NOTE'])}: "
                          + r.choice(["remove once upstream ships a fixed image",
                                      "this layer is large; consider a multi-stage build",
                                      "keep the UID in sync with the k8s securityContext",
                                      "the app reads its config from /etc at startup"]))
                self.emit(f"RUN {r.choice(['update-ca-certificates', 'ldconfig', 'true'])}")
            else:
                self.emit(f"WORKDIR /opt/{self.app}/{r.choice(['data', 'plugins', 'run'])}",
                          f"RUN touch .keep")


# --------------------------------------------------------------------------
# Archetypes
# --------------------------------------------------------------------------

def header(c: Ctx, syntax: bool) -> None:
    if syntax:
        c.emit(c.pick(["# syntax=docker/dockerfile:1", "# syntax=docker/dockerfile:1",
                       "# syntax=docker/dockerfile:1.4", "# syntax=docker/dockerfile:1.7"]))
    if c.chance(0.35):
        c.emit(c.pick([f"# {c.org}/{c.app}",
                       f"# Dockerfile for the {c.app} service",
                       "# Build: docker build -t " + f"{c.org}/{c.app} .",
                       f"# Maintained by the {c.org} platform team"]))
    c.blank()


def test_stage(c: Ctx, parent: str, cmds: list[str]) -> None:
    """Sometimes a `FROM build AS test` stage, as in CI-driven repos."""
    if not c.chance(0.2):
        return
    c.blank()
    c.emit(f"FROM {parent} AS test")
    if c.chance(0.4):
        c.emit("ENV CI=true")
    for cmd in c.sample(cmds, 1, 2):
        c.emit("RUN " + cmd)


def arch_ci_toolbox(c: Ctx) -> None:
    """Big single-stage CI/dev image: many tools, many layers (the long tail)."""
    base = c.pick(["ubuntu:22.04", "ubuntu:24.04", "debian:bookworm", "buildpack-deps:bookworm"])
    c.emit(f"FROM {base}")
    c.labels()
    c.emit("ARG DEBIAN_FRONTEND=noninteractive")
    c.emit('SHELL ["/bin/bash", "-o", "pipefail", "-c"]') if c.chance(0.6) else None
    c.emit("ENV LANG=C.UTF-8 \\", f"{c.indent}LC_ALL=C.UTF-8 \\",
           f"{c.indent}TZ=${{TZ:-UTC}}")
    c.blank()
    c.maybe_comment("deps", 0.7)
    c.apt_install(c.apt_packages(APT_COMMON + APT_BUILD, 8, 20))
    tools = c.sample([
        ("node", ["curl -fsSL https://deb.nodesource.com/setup_20.x | bash -",
                  "apt-get install -y --no-install-recommends nodejs",
                  "npm install -g pnpm@9 yarn@1",
                  "rm -rf /var/lib/apt/lists/*"]),
        ("docker", ["install -m 0755 -d /etc/apt/keyrings",
                    "curl -fsSL https://download.docker.com/linux/debian/gpg -o /etc/apt/keyrings/docker.asc",
                    'echo "deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable" > /etc/apt/sources.list.d/docker.list',
                    "apt-get update",
                    "apt-get install -y --no-install-recommends docker-ce-cli docker-buildx-plugin",
                    "rm -rf /var/lib/apt/lists/*"]),
        ("go", ["curl -fsSL https://go.dev/dl/go1.22.5.linux-amd64.tar.gz | tar -C /usr/local -xz",
                "ln -s /usr/local/go/bin/go /usr/local/bin/go"]),
        ("rust", ["curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal",
                  "/root/.cargo/bin/rustup component add clippy rustfmt"]),
        ("python", ["apt-get update",
                    "apt-get install -y --no-install-recommends python3 python3-pip python3-venv",
                    "python3 -m pip install --no-cache-dir --break-system-packages pre-commit==3.7.1",
                    "rm -rf /var/lib/apt/lists/*"]),
        ("aws", ['curl -fsSL "https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip" -o /tmp/awscliv2.zip',
                 "unzip -q /tmp/awscliv2.zip -d /tmp",
                 "/tmp/aws/install",
                 "rm -rf /tmp/aws /tmp/awscliv2.zip"]),
        ("terraform", ["curl -fsSLo /tmp/tf.zip https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION:-1.8.5}/terraform_${TERRAFORM_VERSION:-1.8.5}_linux_amd64.zip",
                       "unzip /tmp/tf.zip -d /usr/local/bin",
                       "rm /tmp/tf.zip"]),
    ], 2, 6)
    for name, cmds in tools:
        c.blank()
        c.emit(f"# {name}")
        if c.use_heredoc and c.chance(0.4):
            c.run_heredoc(["set -euxo pipefail" if "SHELL" in " ".join(c.lines) else "set -eux"] + cmds)
        else:
            comments = {1: f"# {name}: pinned by the lockfile"} if c.chance(0.2) and len(cmds) > 2 else None
            c.run_chain(cmds, comments=comments)
    c.blank()
    c.emit("ENV PATH=\"/root/.cargo/bin:/usr/local/go/bin:${PATH}\"")
    user = c.create_user(False)
    c.emit(f"WORKDIR /workspace")
    c.filler()
    c.final_user(user)
    c.cmd(["bash"], "bash")


def arch_go(c: Ctx) -> None:
    v = c.pick(["1.21", "1.22", "1.22", "1.23", "1.23.4"])
    if c.chance(0.6):
        c.emit(f"ARG GO_VERSION={v}")
        img = "golang:${GO_VERSION}" + c.pick(["", "-bookworm", "-alpine", "-alpine3.20"])
    else:
        img = f"golang:{v}" + c.pick(["", "-bookworm", "-alpine"])
    cross = c.chance(0.3)
    runtime = c.pick(["gcr.io/distroless/static-debian12",
                      "gcr.io/distroless/static-debian12:nonroot",
                      "gcr.io/distroless/static", "scratch", "scratch",
                      "alpine:3.20", "debian:bookworm-slim",
                      "gcr.io/distroless/base-debian12"])
    if cross and c.chance(0.5) and runtime.startswith("gcr"):
        c.emit(f"ARG RUNTIME_IMAGE={runtime}")
        runtime = "${RUNTIME_IMAGE:-" + runtime + "}"
    c.blank()
    c.maybe_comment("build")
    plat = "--platform=$BUILDPLATFORM " if cross else ""
    c.emit(f"FROM {plat}{img} AS {c.pick(['build', 'builder', 'build', 'compile'])}")
    stage = c.lines[-1].rsplit(" ", 1)[1]
    if cross:
        c.emit("ARG TARGETOS", "ARG TARGETARCH")
    if "alpine" in img and c.chance(0.5):
        c.emit("RUN apk add --no-cache git ca-certificates")
    c.emit(f"WORKDIR {c.pick(['/src', '/app', '/go/src/app', '/build'])}")
    c.maybe_comment("deps", 0.5)
    c.emit("COPY go.mod go.sum ./")
    if c.use_mounts:
        c.emit("RUN --mount=type=cache,target=/go/pkg/mod go mod download")
    else:
        c.emit("RUN go mod download" + c.pick(["", " && go mod verify"]))
    c.emit("COPY . .")
    out = c.pick(["/out/app", "/bin/server", f"/usr/local/bin/{c.app}", "/app"])
    env = "CGO_ENABLED=0"
    if cross:
        env += " GOOS=${TARGETOS} GOARCH=${TARGETARCH}"
    build = (f'{env} go build -trimpath -ldflags="-s -w -X main.version=${{VERSION:-dev}}" '
             f"-o {out} ./cmd/{c.app}")
    c.emit("ARG VERSION")
    if c.use_heredoc and c.chance(0.4):
        flags = "--mount=type=cache,target=/root/.cache/go-build" if c.use_mounts else ""
        c.run_heredoc(["set -e", "go vet ./...", build], flags=flags)
    elif c.use_mounts:
        c.emit("RUN --mount=type=cache,target=/go/pkg/mod \\",
               f"{c.indent}--mount=type=cache,target=/root/.cache/go-build \\",
               f"{c.indent}{build}")
    else:
        if c.chance(0.3):
            c.emit("RUN go test ./...")
        c.emit("RUN " + build)
    test_stage(c, stage, ["go test -race ./...", "go vet ./...",
                          "go test -count=1 -coverprofile=/tmp/cover.out ./..."])
    c.blank()
    c.maybe_comment("runtime")
    c.emit(f"FROM {runtime}")
    c.no_shell = "scratch" in runtime or "distroless" in runtime
    if c.chance(0.5):
        c.labels()
    user = "nonroot:nonroot" if "nonroot" in runtime else c.pick(["65532:65532", "nobody", "10001"])
    if runtime.startswith(("alpine", "debian")):
        if runtime.startswith("alpine"):
            c.apk_install(c.sample(["ca-certificates", "tzdata", "curl"], 1, 3))
        else:
            c.apt_install(c.apt_packages(["ca-certificates", "tzdata", "curl"], 1, 3))
        if c.chance(0.6):
            user = c.create_user(runtime.startswith("alpine"))
    elif runtime == "scratch":
        c.emit(f"COPY --from={stage} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
    chown = f"--chown={user} " if c.chance(0.3) and "$" not in user else ""
    link = "--link " if c.use_mounts and c.chance(0.3) else ""
    c.emit(f"COPY {link}--from={stage} {chown}{out} /usr/local/bin/{c.app}")
    port = c.pick([8080, 8080, 8000, 9000, 3000, 80])
    c.expose(port)
    if not runtime.startswith(("scratch", "gcr")):
        c.healthcheck(port, "wget" if runtime.startswith("alpine") else "curl")
    c.filler()
    c.final_user(user)
    c.cmd([f"/usr/local/bin/{c.app}", "serve"], f"/usr/local/bin/{c.app} serve",
          entrypoint=[f"/usr/local/bin/{c.app}"] if c.chance(0.6) else None)


def arch_python(c: Ctx) -> None:
    v = c.pick(["3.10", "3.11", "3.12", "3.12", "3.13"])
    variant = c.pick(["-slim", "-slim", "-slim-bookworm", "", "-alpine"])
    alpine = variant == "-alpine"
    multi = c.chance(0.4)
    if c.chance(0.3):
        c.emit(f"ARG PYTHON_VERSION={v}")
        base = "python:${PYTHON_VERSION}" + variant
    else:
        base = f"python:{v}{variant}"
    c.blank()
    if multi:
        c.maybe_comment("build")
        c.emit(f"FROM {base} AS builder")
        c.emit("ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1")
        if alpine:
            c.apk_install(c.sample(APK_BUILD, 2, 4))
        else:
            c.apt_install(c.apt_packages(APT_BUILD, 2, 5))
        c.emit("WORKDIR /build", "COPY requirements.txt .")
        if c.use_mounts:
            c.emit("RUN --mount=type=cache,target=/root/.cache/pip \\",
                   f"{c.indent}pip wheel --wheel-dir /wheels -r requirements.txt")
        else:
            c.emit("RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt")
        c.blank()
        c.maybe_comment("runtime")
    c.emit(f"FROM {base}")
    if c.chance(0.4):
        c.labels()
    c.emit("ENV PYTHONDONTWRITEBYTECODE=1 \\",
           f"{c.indent}PYTHONUNBUFFERED=1 \\",
           f"{c.indent}APP_HOME=${{APP_HOME:-/app}} \\",
           f"{c.indent}PORT=${{PORT:-8000}}")
    if c.chance(0.7):
        if alpine:
            c.apk_install(c.sample(APK_PKGS, 2, 5))
        else:
            runtime = c.apt_packages(APT_RUNTIME + APT_COMMON, 2, 7)
            c.apt_install(runtime, purge=None if multi or c.chance(0.7)
                          else c.sample(["gcc", "build-essential"], 1, 2))
    c.emit("WORKDIR $APP_HOME")
    user = c.create_user(alpine) if c.chance(0.7) else "root"
    c.maybe_comment("deps")
    if multi:
        c.emit("COPY --from=builder /wheels /wheels",
               "RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels")
    else:
        c.emit("COPY requirements.txt .")
        if c.use_mounts:
            c.emit("RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt")
        else:
            c.emit(c.pick(["RUN pip install --no-cache-dir -r requirements.txt",
                           "RUN pip install -r requirements.txt",
                           "RUN pip install --upgrade pip && pip install --no-cache-dir -r requirements.txt"]))
    chown = f"--chown={user} " if user not in ("root",) and c.chance(0.5) else ""
    c.emit(f"COPY {chown}. .")
    if c.use_heredoc and c.chance(0.4):
        c.run_heredoc(['import compileall', 'compileall.compile_dir("/app", quiet=1)'],
                      interp="python3")
    elif c.chance(0.3):
        c.emit("RUN python -m compileall -q .")
    port = c.pick([8000, 8000, 5000, 8080])
    c.expose(port)
    c.healthcheck(port, "wget" if alpine else "curl")
    c.filler()
    c.final_user(user)
    server = c.pick(["gunicorn", "uvicorn", "python", "celery"])
    if server == "gunicorn":
        c.cmd(["gunicorn", "--bind", f"0.0.0.0:{port}", "--workers", "4", "app.wsgi:application"],
              "gunicorn --bind 0.0.0.0:${PORT} --workers ${WORKERS:-4} app.wsgi:application")
    elif server == "uvicorn":
        c.cmd(["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", str(port)],
              "uvicorn app.main:app --host 0.0.0.0 --port $PORT")
    elif server == "celery":
        c.cmd(["celery", "-A", "app", "worker", "--loglevel=info"],
              "celery -A app worker --loglevel=${LOG_LEVEL:-info}")
    else:
        c.cmd(["python", "-m", c.app], f"python -m {c.app}")


def arch_node(c: Ctx) -> None:
    v = c.pick(["18", "20", "20", "22", "20.11.1"])
    variant = c.pick(["-alpine", "-alpine", "-bookworm-slim", "-slim", ""])
    base = f"node:{v}{variant}" if c.chance(0.9) else "node"  # "node" = lint bait
    static = c.chance(0.4)
    c.emit(f"ARG NODE_ENV=production") if c.chance(0.3) else None
    c.blank()
    c.maybe_comment("deps")
    c.emit(f"FROM {base} AS deps", "WORKDIR /app")
    c.emit(c.pick(["COPY package.json package-lock.json ./", "COPY package*.json ./",
                   "COPY package.json yarn.lock ./"]))
    yarn = "yarn.lock" in c.lines[-1]
    install = "yarn install --frozen-lockfile" if yarn else c.pick(["npm ci", "npm ci --omit=dev",
                                                                  "npm install"])
    if c.use_mounts:
        target = "/usr/local/share/.cache/yarn" if yarn else "/root/.npm"
        c.emit(f"RUN --mount=type=cache,target={target} {install}")
    else:
        c.emit(f"RUN {install}")
    c.blank()
    c.maybe_comment("build")
    c.emit(f"FROM {base} AS build", "WORKDIR /app",
           "COPY --from=deps /app/node_modules ./node_modules", "COPY . .")
    c.emit("RUN " + ("yarn build" if yarn else "npm run build"))
    test_stage(c, "build", ["npm test", "npm run lint && npm test -- --ci", "yarn test --ci"])
    c.blank()
    c.maybe_comment("runtime")
    if static:
        c.emit(f"FROM {c.pick(['nginx:1.27-alpine', 'nginx:alpine', 'nginx:stable', 'nginx'])}")
        if c.chance(0.4):
            c.labels()
        if c.use_heredoc and c.chance(0.6):
            c.copy_heredoc("/etc/nginx/conf.d/default.conf", [
                "server {",
                "    listen 80;",
                "    root /usr/share/nginx/html;",
                "    location / {",
                "        try_files $uri $uri/ /index.html;",
                "    }",
                "}"])
        else:
            c.emit("COPY nginx.conf /etc/nginx/conf.d/default.conf")
        c.emit(f"COPY --from=build /app/{c.pick(['dist', 'build', 'out'])} /usr/share/nginx/html")
        c.expose(80)
        c.healthcheck(80, "curl")
        c.filler()
        c.cmd(["nginx", "-g", "daemon off;"], "nginx -g 'daemon off;'")
        return
    c.emit(f"FROM {base}")
    if c.chance(0.4):
        c.labels()
    c.emit("ENV NODE_ENV=${NODE_ENV:-production}" if c.chance(0.5) else "ENV NODE_ENV=production")
    if "alpine" in base and c.chance(0.4):
        c.apk_install(c.sample(["tini", "curl", "dumb-init", "ca-certificates"], 1, 3))
    c.emit("WORKDIR /app")
    own = c.pick(["node:node", "node", "1000:1000"])
    chown = f"--chown={own} " if c.chance(0.6) else ""
    c.emit(f"COPY --from=deps {chown}/app/node_modules ./node_modules",
           f"COPY --from=build {chown}/app/dist ./dist",
           f"COPY {chown}package.json ./")
    port = c.pick([3000, 3000, 8080, 4000])
    c.emit(f"ENV PORT={port}")
    c.expose(port)
    c.healthcheck(port, "wget" if "alpine" in base else "curl")
    c.filler()
    c.final_user(c.pick(["node", "node", "1000"]))
    c.cmd(["node", "dist/server.js"], "node dist/server.js",
          entrypoint=["docker-entrypoint.sh"] if c.chance(0.2) else None)


def arch_rust(c: Ctx) -> None:
    v = c.pick(["1.75", "1.78", "1.80", "1.82", "1"])
    c.emit(f"ARG RUST_VERSION={v}") if c.chance(0.5) else None
    ver = "${RUST_VERSION}" if c.lines and c.lines[-1].startswith("ARG RUST") else v
    c.blank()
    c.maybe_comment("build")
    c.emit(f"FROM rust:{ver}-{c.pick(['bookworm', 'slim-bookworm', 'alpine'])} AS builder")
    alpine = c.lines[-1].endswith("alpine AS builder")
    if alpine:
        c.emit("RUN apk add --no-cache musl-dev openssl-dev pkgconfig")
    elif c.chance(0.5):
        c.apt_install(c.apt_packages(["pkg-config", "libssl-dev", "protobuf-compiler",
                                      "clang", "cmake"], 1, 3))
    c.emit(f"WORKDIR /usr/src/{c.app}")
    bin_path = f"/usr/src/{c.app}/target/release/{c.app}"
    if c.use_mounts:
        c.emit("COPY . .")
        c.emit("RUN --mount=type=cache,target=/usr/local/cargo/registry \\",
               f"{c.indent}--mount=type=cache,target=/usr/src/{c.app}/target \\",
               f"{c.indent}cargo build --release --locked \\",
               f"{c.indent}&& cp target/release/{c.app} /usr/local/bin/{c.app}")
        bin_path = f"/usr/local/bin/{c.app}"
    else:
        c.maybe_comment("deps", 0.6)
        c.emit("COPY Cargo.toml Cargo.lock ./")
        c.run_chain(["mkdir src", 'echo "fn main() {}" > src/main.rs',
                     "cargo build --release", "rm -rf src"])
        c.emit("COPY src ./src", f"RUN touch src/main.rs && cargo build --release --locked")
    test_stage(c, "builder", ["cargo test --release --locked",
                              "cargo clippy --all-targets -- -D warnings"])
    c.blank()
    c.maybe_comment("runtime")
    runtime = c.pick(["debian:bookworm-slim", "debian:bookworm-slim",
                      "gcr.io/distroless/cc-debian12", "ubuntu:24.04"])
    if alpine:
        runtime = c.pick(["alpine:3.20", "scratch"])
    c.emit(f"FROM {runtime}")
    c.no_shell = runtime == "scratch" or "distroless" in runtime
    user = "65532"
    if runtime.startswith(("debian", "ubuntu")):
        c.apt_install(c.apt_packages(["ca-certificates", "libssl3", "tzdata", "curl"], 1, 3))
        user = c.create_user(False)
    elif runtime.startswith("alpine"):
        c.emit("RUN apk add --no-cache ca-certificates")
        user = c.create_user(True)
    chown = f"--chown={user} " if c.chance(0.5) and ":" in user else ""
    if chown == "" and c.chance(0.5) and user == "app":
        chown = "--chown=app:app "
    c.emit(f"COPY --from=builder {chown}{bin_path} /usr/local/bin/{c.app}")
    port = c.pick([8080, 3000, 8000, 50051])
    c.expose(port)
    if runtime.startswith(("debian", "ubuntu")):
        c.healthcheck(port)
    c.filler()
    c.final_user(user)
    c.cmd([c.app], c.app, entrypoint=[f"/usr/local/bin/{c.app}"] if c.chance(0.5) else None)


def arch_java(c: Ctx) -> None:
    jdk = c.pick(["17", "21", "21"])
    gradle = c.chance(0.35)
    c.blank()
    c.maybe_comment("build")
    if gradle:
        c.emit(f"FROM gradle:8.7-jdk{jdk} AS build", "WORKDIR /home/gradle/src",
               "COPY --chown=gradle:gradle . .")
        if c.use_mounts:
            c.emit("RUN --mount=type=cache,target=/home/gradle/.gradle gradle bootJar --no-daemon")
        else:
            c.emit("RUN gradle bootJar --no-daemon")
        jar = "/home/gradle/src/build/libs/*.jar"
    else:
        c.emit(f"FROM maven:3.9-eclipse-temurin-{jdk} AS build", "WORKDIR /workspace")
        c.maybe_comment("deps", 0.5)
        c.emit("COPY pom.xml .")
        if c.use_mounts:
            c.emit("RUN --mount=type=cache,target=/root/.m2 mvn -B -q dependency:go-offline",
                   "COPY src ./src",
                   "RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package")
        else:
            c.emit("RUN mvn -B -q dependency:go-offline", "COPY src ./src",
                   "RUN mvn -B -DskipTests package")
        jar = "/workspace/target/*.jar"
    c.blank()
    c.maybe_comment("runtime")
    c.emit(f"FROM eclipse-temurin:{jdk}-jre{c.pick(['', '-jammy', '-alpine'])}")
    alpine = c.lines[-1].endswith("alpine")
    if c.chance(0.5):
        c.labels()
    c.emit(f'ENV JAVA_OPTS="${{JAVA_OPTS:--XX:MaxRAMPercentage=75.0}}"')
    user = c.create_user(alpine) if c.chance(0.7) else "root"
    c.emit("WORKDIR /opt/app")
    chown = "--chown=app:app " if user.startswith("app") and c.chance(0.6) else ""
    c.emit(f"COPY --from=build {chown}{jar} app.jar")
    port = c.pick([8080, 8080, 8443, 9090])
    c.expose(port)
    c.healthcheck(port, "wget" if alpine else "curl")
    c.filler()
    c.final_user(user)
    if c.chance(0.5):
        c.emit('ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/app/app.jar"]')
    else:
        c.emit('ENTRYPOINT ["java", "-jar", "/opt/app/app.jar"]')


def arch_ruby(c: Ctx) -> None:
    v = c.pick(["3.2", "3.3", "3.3.4"])
    c.emit(f"ARG RUBY_VERSION={v}")
    c.blank()
    c.emit(f"FROM ruby:${{RUBY_VERSION}}-{c.pick(['slim', 'slim-bookworm', 'alpine'])} AS base")
    alpine = c.lines[-1].endswith("alpine AS base")
    c.emit("WORKDIR /rails",
           'ENV RAILS_ENV="production" \\',
           f'{c.indent}BUNDLE_DEPLOYMENT="1" \\',
           f'{c.indent}BUNDLE_PATH="/usr/local/bundle" \\',
           f'{c.indent}BUNDLE_WITHOUT="${{BUNDLE_WITHOUT:-development:test}}"')
    c.blank()
    c.maybe_comment("build")
    c.emit("FROM base AS build")
    if alpine:
        c.apk_install(c.sample(APK_BUILD, 2, 4))
    else:
        c.apt_install(c.apt_packages(["build-essential", "git", "libpq-dev", "libvips",
                                      "pkg-config", "libyaml-dev"], 2, 5))
    c.emit("COPY Gemfile Gemfile.lock ./")
    c.run_chain(["bundle install",
                 'rm -rf ~/.bundle/ "${BUNDLE_PATH}"/ruby/*/cache',
                 "bundle exec bootsnap precompile --gemfile"])
    c.emit("COPY . .", "RUN SECRET_KEY_BASE_DUMMY=1 ./bin/rails assets:precompile")
    c.blank()
    c.maybe_comment("runtime")
    c.emit("FROM base")
    if alpine:
        c.apk_install(["curl", "postgresql-client", "vips"])
    else:
        c.apt_install(c.apt_packages(["curl", "libvips", "postgresql-client", "libjemalloc2"], 2, 4))
    c.emit('COPY --from=build "${BUNDLE_PATH}" "${BUNDLE_PATH}"',
           "COPY --from=build /rails /rails")
    if alpine:
        c.emit("RUN adduser -D -h /rails rails && chown -R rails:rails db log storage tmp")
    else:
        c.run_chain(["groupadd --system --gid 1000 rails",
                     "useradd rails --uid 1000 --gid 1000 --create-home --shell /bin/bash",
                     "chown -R rails:rails db log storage tmp"])
    c.final_user(c.pick(["1000:1000", "rails"]))
    c.emit('ENTRYPOINT ["/rails/bin/docker-entrypoint"]')
    c.expose(c.pick([3000, 80]))
    c.healthcheck(3000)
    c.cmd(["./bin/rails", "server"], "./bin/rails server -b 0.0.0.0")


def arch_debian_service(c: Ctx) -> None:
    """Single-stage 'install a bunch of things on a distro' image."""
    base = c.pick(["debian:bookworm", "debian:bookworm-slim", "debian:12", "ubuntu:22.04",
                   "ubuntu:24.04", "ubuntu:latest", "ubuntu", "debian:stable-slim"])
    if c.chance(0.25):
        c.emit(f"ARG BASE_IMAGE={base}")
        c.blank()
        c.emit("FROM ${BASE_IMAGE}")
    else:
        c.emit(f"FROM {base}")
    if c.chance(0.15):
        c.emit(f"MAINTAINER {c.org} ops <ops@{c.org}.example>")  # deprecated, still valid
    if c.chance(0.5):
        c.labels()
    if c.chance(0.4):
        c.emit("ARG DEBIAN_FRONTEND=noninteractive")
    if c.chance(0.3):
        c.emit('SHELL ["/bin/bash", "-o", "pipefail", "-c"]')
    c.blank()
    c.maybe_comment("deps")
    c.apt_install(c.apt_packages(APT_COMMON + APT_RUNTIME, 3, 12))
    if c.chance(0.25):
        # Third-party apt repo: a typical long continuation with a pipe.
        c.run_chain(["curl -fsSL https://deb.nodesource.com/setup_20.x | bash -",
                     "apt-get install -y nodejs",
                     "rm -rf /var/lib/apt/lists/*"], style="and_trailing")
    if c.chance(0.3):
        tini = c.pick(["v0.19.0", "v0.18.0"])
        c.emit(f"ADD https://github.com/krallin/tini/releases/download/{tini}/tini /tini",
               "RUN chmod +x /tini")
        entry = ["/tini", "--"]
    else:
        entry = None
    if c.chance(0.2):
        c.emit("RUN cd /tmp && curl -LO https://example.com/tool.tar.gz && tar xzf tool.tar.gz "
               "&& mv tool /usr/local/bin/ && rm tool.tar.gz")
    if c.use_heredoc and c.chance(0.6):
        c.copy_heredoc("/usr/local/bin/docker-entrypoint.sh", [
            "#!/bin/sh", "set -e",
            'if [ "${1#-}" != "$1" ]; then', f'    set -- {c.app} "$@"', "fi",
            'exec "$@"'], chmod="755")
    else:
        c.emit("COPY docker-entrypoint.sh /usr/local/bin/")
        if c.chance(0.5):
            c.emit("RUN chmod +x /usr/local/bin/docker-entrypoint.sh")
    c.emit(f"WORKDIR /opt/{c.app}")
    c.emit("COPY . .")
    if c.chance(0.5):
        c.emit("RUN make && make install" if c.chance(0.5) else "RUN ./configure && make")
    user = c.create_user(False) if c.chance(0.6) else "root"
    port = c.pick([80, 8080, 22, 5432, 6379, 8000])
    c.expose(port)
    c.healthcheck(port)
    c.filler()
    c.final_user(user)
    if entry:
        c.emit('ENTRYPOINT ["/tini", "--", "docker-entrypoint.sh"]')
    else:
        c.emit('ENTRYPOINT ["docker-entrypoint.sh"]')
    c.cmd([c.app, "--config", f"/etc/{c.app}/config.yaml"],
          f"{c.app} --config /etc/{c.app}/config.yaml")


def arch_alpine_tool(c: Ctx) -> None:
    tag = c.pick(["3.19", "3.20", "3.20", "latest", "edge"])
    base = f"alpine:{tag}"
    c.emit(f"FROM {base}")
    if c.chance(0.4):
        c.labels()
    pkgs = c.sample(APK_PKGS, 2, 6)
    build = c.sample(APK_BUILD, 2, 4) if c.chance(0.3) else None
    c.apk_install(pkgs, build)
    if c.chance(0.3):
        c.emit(f"ADD https://github.com/{c.org}/{c.app}/releases/download/v1.{c.r.randint(0, 9)}.0/"
               f"{c.app}-linux-amd64.tar.gz /tmp/")
        c.emit(f"RUN tar -xzf /tmp/{c.app}-linux-amd64.tar.gz -C /usr/local/bin "
               f"&& rm /tmp/{c.app}-linux-amd64.tar.gz")
    elif c.chance(0.4):
        c.emit(f"COPY {c.app} /usr/local/bin/{c.app}")
    if c.use_heredoc and c.chance(0.5):
        c.run_heredoc(["set -eu", f"mkdir -p /etc/{c.app} /var/lib/{c.app}",
                       f"echo 'log_level: info' > /etc/{c.app}/config.yaml"])
    user = c.create_user(True) if c.chance(0.5) else "root"
    c.emit(f"WORKDIR /var/lib/{c.app}")
    c.filler()
    if c.chance(0.4):
        c.expose(c.pick([8080, 9000, 53]))
    c.final_user(user)
    c.cmd(["--help"], f"{c.app} --help", entrypoint=[f"/usr/local/bin/{c.app}"])


def arch_php(c: Ctx) -> None:
    v = c.pick(["8.2", "8.3"])
    c.emit(f"FROM composer:2 AS vendor", "WORKDIR /app",
           "COPY composer.json composer.lock ./",
           "RUN composer install --no-dev --no-scripts --prefer-dist --no-interaction")
    c.blank()
    c.emit(f"FROM php:{v}-{c.pick(['fpm', 'apache', 'fpm-alpine'])}")
    alpine = c.lines[-1].endswith("alpine")
    if alpine:
        c.apk_install(["libpng", "libzip", "icu-libs"], ["libpng-dev", "libzip-dev", "icu-dev"])
    else:
        c.apt_install(c.apt_packages(["libzip-dev", "libpng-dev", "libicu-dev", "unzip", "git"], 2, 4))
    c.emit("RUN docker-php-ext-install pdo_mysql zip intl opcache")
    c.emit("WORKDIR /var/www/html",
           "COPY --from=vendor /app/vendor ./vendor",
           "COPY --chown=www-data:www-data . .")
    c.final_user("www-data")
    c.expose(c.pick([9000, 80]))
    c.filler()


ARCHETYPES = [
    (arch_go, 22),
    (arch_python, 20),
    (arch_node, 16),
    (arch_debian_service, 14),
    (arch_rust, 8),
    (arch_java, 8),
    (arch_alpine_tool, 6),
    (arch_ruby, 4),
    (arch_php, 2),
    (arch_ci_toolbox, 4),
]


def generate_one(seed: int, index: int) -> str:
    """One Dockerfile; rejection-sample until it is 10..80 lines long."""
    rng = random.Random(f"{seed}:{index}")
    funcs, weights = zip(*ARCHETYPES)
    while True:
        c = Ctx(rng)
        arch = rng.choices(funcs, weights)[0]
        syntax = c.use_heredoc or (c.use_mounts and rng.random() < 0.6) or rng.random() < 0.05
        header(c, syntax)
        arch(c)
        # Padding so the size distribution is not just "one per archetype":
        # real files grow extra comments, ENV blocks, and RUN steps.
        lines = c.lines
        while lines and lines[-1] == "":
            lines.pop()
        n = len(lines)
        if 10 <= n <= 80:
            return "\n".join(lines) + "\n"


def corpus_stamp(count: int, seed: int) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"count={count} seed={seed} generator={digest}\n"


NAME_RE = re.compile(r"^\d{5}\.Dockerfile$")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    if not 0 < args.count <= 99999:
        ap.error("--count must be 1..99999 (file names are 5 digits)")

    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    # Remove files from a previous (possibly larger) corpus so a glob over
    # OUTDIR/*.Dockerfile sees exactly --count files. Only our own names.
    for entry in os.scandir(out):
        if NAME_RE.match(entry.name):
            os.unlink(entry.path)
    stamp = out / ".corpus-stamp"
    stamp.unlink(missing_ok=True)

    total_lines = 0
    for i in range(args.count):
        text = generate_one(args.seed, i)
        total_lines += text.count("\n")
        (out / f"{i:05d}.Dockerfile").write_text(text)
    # Written last: its presence means the corpus is complete.
    stamp.write_text(corpus_stamp(args.count, args.seed))
    print(f"wrote {args.count} Dockerfiles to {out} "
          f"({total_lines} lines, mean {total_lines / args.count:.1f} lines/file)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
