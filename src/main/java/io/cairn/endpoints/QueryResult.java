package io.cairn.endpoints;

/** A read's value and its meta. */
public record QueryResult<T>(T value, QueryMeta meta) {}
