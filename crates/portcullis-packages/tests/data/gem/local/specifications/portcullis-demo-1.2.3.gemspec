# -*- encoding: utf-8 -*-
# stub: portcullis-demo 1.2.3 ruby lib

Gem::Specification.new do |s|
  s.name = "portcullis-demo".freeze
  s.version = "1.2.3"

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.require_paths = ["lib".freeze]
  s.authors = ["Portcullis".freeze]
  s.date = "2026-12-04"
  s.licenses = ["MIT".freeze, "Apache-2.0".freeze]
  s.rubygems_version = "3.3.15".freeze
  s.summary = "A \"quoted\" summary with 2 and \\ in it".freeze

  s.installed_by_version = "3.3.15" if s.respond_to? :installed_by_version
end
