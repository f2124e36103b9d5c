# -*- encoding: utf-8 -*-
# stub: tiny_thing 0.0.1.pre ruby lib

Gem::Specification.new do |s|
  s.name = "tiny_thing".freeze
  s.version = "0.0.1.pre"

  s.required_rubygems_version = Gem::Requirement.new("> 1.3.1".freeze) if s.respond_to? :required_rubygems_version=
  s.require_paths = ["lib".freeze]
  s.authors = ["Portcullis".freeze]
  s.date = "2026-12-04"
  s.rubygems_version = "3.3.15".freeze
  s.summary = "A \"quoted\" summary with 2 and \\ in it".freeze

  s.installed_by_version = "3.3.15" if s.respond_to? :installed_by_version
end
