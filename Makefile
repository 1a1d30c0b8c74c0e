# Mirrors .ci/run, so a person runs the same gates locally.
.PHONY: ci provision check test

ci: provision check test

provision:
	scripts/provision.sh

check:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --quiet

test: provision
	cargo test --workspace
