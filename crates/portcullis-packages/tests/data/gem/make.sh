#!/bin/sh
# Makes the RubyGems fixtures with the real tools and records what RubyGems
# itself reads from them. Run from this directory; needs Debian 12's ruby
# (ruby 3.1, RubyGems 3.3) and ruby-rubygems' integration specs.
#
#   local/       two tiny gems built here with `gem build` and installed with
#                `gem install --local --install-dir` (rubygems.org is not
#                reachable): only the written specifications/*.gemspec kept.
#   debian/      gemspecs Debian ships: rubygems-integration's (rake, webrick,
#                ...: written by gem2deb) and three of Ruby's default gems
#                (specifications/default/).
#   truth-gem-list.txt   `gem list --local` of the local install dir.
#   truth-specs.tsv      for each kept gemspec, what
#                        Gem::Specification.load makes of it: path, name,
#                        version, licenses (comma-joined).
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mk() { # name version licenses-ruby-array
    mkdir -p "$work/$1/lib"
    echo "module X; end" > "$work/$1/lib/$1.rb"
    cat > "$work/$1/$1.gemspec" <<G
Gem::Specification.new do |s|
  s.name = "$1"
  s.version = "$2"
  s.summary = "A \"quoted\" summary with #{1 + 1} and \\\\ in it"
  s.authors = ["Portcullis"]
  s.files = ["lib/$1.rb"]
  s.licenses = $3
end
G
    (cd "$work/$1" && gem build "$1.gemspec")
    gem install --local --no-document --ignore-dependencies --install-dir "$work/gems" "$work/$1/$1-$2.gem"
}
mk portcullis-demo 1.2.3 '["MIT", "Apache-2.0"]'
mk tiny_thing 0.0.1.pre '[]'

rm -rf local debian
mkdir -p local/specifications debian/rubygems-integration/specifications debian/default/specifications/default
cp "$work/gems/specifications/"*.gemspec local/specifications/
cp /usr/share/rubygems-integration/all/specifications/*.gemspec debian/rubygems-integration/specifications/
d=$(ruby -e 'print Gem.default_specifications_dir')
for g in json bundler psych; do cp "$d/$g"-*.gemspec debian/default/specifications/default/; done

GEM_HOME="$work/gems" GEM_PATH="$work/gems" gem list --local > "$work/list"
# Only the install dir's gems (gem list also shows Ruby's default gems).
for f in local/specifications/*.gemspec; do
    n=$(basename "$f" .gemspec); grep "^${n%-*} " "$work/list"
done > truth-gem-list.txt
find local debian -name '*.gemspec' | sort | ruby -e '
STDIN.each_line do |f|
  f = f.chomp
  s = Gem::Specification.load(f) or abort "cannot load #{f}"
  puts [f, s.name, s.version.to_s, s.licenses.join(",")].join("\t")
end' > truth-specs.tsv
