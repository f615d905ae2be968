package io.cairn.endpoints;

import io.cairn.state.Outcome;

/** Answer of /rpc/apply: what applying a forwarded write did. */
public record Applied(Outcome outcome) {}
