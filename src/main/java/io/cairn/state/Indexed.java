package io.cairn.state;

/** What a read saw, and the index a blocking query waits to pass. */
public record Indexed<T>(long index, T value) {}
