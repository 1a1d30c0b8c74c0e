# Mirrors .ci/run, so a person runs the same gates locally.
.PHONY: ci provision check test bench-smoke

ci: provision check test bench-smoke

provision:
	scripts/provision.sh

check:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --quiet

test: provision
	cargo test --workspace

bench-smoke: provision
	cargo bench --bench scheduler -- --quick
	timeout 900 cargo bench --bench docker -- --quick
	timeout 900 cargo bench --bench compile -- --quick
