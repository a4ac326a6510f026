# flowdeck's usual commands (https://just.systems); `just --list` shows them. Each recipe is
# one or two plain commands, the same ones the README gives, so nothing here needs `just`.

# fmt and clippy, as CI runs them
check:
    cargo fmt --all -- --check
    cargo clippy --all-targets --locked -- -D warnings

# what CI runs on a clean clone: installs what the tests need, checks, builds, tests
ci:
    .ci/run

# the test suite (README's command); e.g. `just test --test stores postgres::`
test *args:
    cargo test {{args}}

# criterion benches; e.g. `just bench --bench render`
bench *args:
    cargo bench {{args}}

# regenerate screenshots/ after a UI change
screenshots:
    cargo run --example screenshots

# the performance and team-scale figures, each printed with the command that produced it
figures:
    scripts/perf-figures
    scripts/team-scale-figures
    scripts/figures-scale
    scripts/peer-duckdb
