# Environment for building Omni; sourced by the toolchain scripts.
#
# emcc runs its JS optimizer under Node with Debian's acorn, which lives here; without it the
# wasm link fails with "Cannot find module 'acorn'".
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
export OMNI_JOBS="${OMNI_JOBS:-2}"
