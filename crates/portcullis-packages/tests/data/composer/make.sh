#!/bin/sh
# Makes the Composer fixture with the real tool and records what Composer
# itself lists. Run from this directory; needs Debian 12's composer (2.5)
# and php-cli. Packagist is not reachable: the project installs three local
# packages from `path` repositories (copied, not symlinked):
#   acme/alpha  1.2.3  MIT
#   acme/beta   v2.0.0 (MIT or GPL-2.0-or-later), requires acme/alpha
#   acme/gamma  no version of its own (Composer makes one), require-dev,
#               license "proprietary" (a string: Composer writes an array)
# Kept:
#   v2/vendor/composer/installed.json   as `composer install` wrote it
#   v1/vendor/composer/installed.json   HAND-MADE: Composer 1 is not at hand;
#       Composer 1 wrote a top-level array of the same package objects, so
#       this is the v2 file's "packages" array, taken out by php itself.
#   truth-composer-show.json  `composer show --format=json` (installed, with dev)
#   truth-composer-licenses.json  `composer licenses --format=json`
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pkgs/alpha" "$work/pkgs/beta" "$work/pkgs/gamma" "$work/app"
cat > "$work/pkgs/alpha/composer.json" <<'J'
{"name": "acme/alpha", "version": "1.2.3", "license": "MIT", "autoload": {"psr-4": {"Acme\\Alpha\\": "src/"}}}
J
cat > "$work/pkgs/beta/composer.json" <<'J'
{"name": "acme/beta", "version": "v2.0.0", "license": ["MIT", "GPL-2.0-or-later"], "require": {"acme/alpha": "^1.2"}}
J
cat > "$work/pkgs/gamma/composer.json" <<'J'
{"name": "acme/gamma", "license": "proprietary"}
J
cat > "$work/app/composer.json" <<'J'
{
  "name": "portcullis/composer-fixture",
  "license": "proprietary",
  "minimum-stability": "dev",
  "repositories": [
    {"type": "path", "url": "../pkgs/*", "options": {"symlink": false}}
  ],
  "require": {"acme/beta": "^2.0"},
  "require-dev": {"acme/gamma": "*"}
}
J
export COMPOSER_HOME="$work/home" COMPOSER_NO_INTERACTION=1
(cd "$work/app" && composer install 2>&1)
rm -rf v1 v2
mkdir -p v1/vendor/composer v2/vendor/composer
cp "$work/app/vendor/composer/installed.json" v2/vendor/composer/
php -r '$d = json_decode(file_get_contents($argv[1]), true);
  echo json_encode($d["packages"], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";' \
  v2/vendor/composer/installed.json > v1/vendor/composer/installed.json
(cd "$work/app" && composer show --format=json) > truth-composer-show.json
(cd "$work/app" && composer licenses --format=json) > truth-composer-licenses.json
