#!/bin/sh
# run-fuzzer.sh FUZZER WORK_CORPUS SEED_CORPUS [libFuzzer options...]
#
# libFuzzer writes new inputs into the first corpus directory, so the
# writable one (in the build directory) goes first and the seeds from the
# source tree are only read. FUZZ_SECONDS sets the duration (default 60).
set -eu

fuzzer=$1
work_corpus=$2
seed_corpus=$3
shift 3

# Fast unwinding for the many mallocs of every run (tools/check asks for
# the slow, exact one, which makes a fuzzer some fifty times slower).
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=1"

mkdir -p "$work_corpus"
exec "$fuzzer" -max_total_time="${FUZZ_SECONDS:-60}" "$@" "$work_corpus" "$seed_corpus"
