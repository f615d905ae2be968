package io.cairn.endpoints;

/** Consul's read modes: {@code ?stale}, default, {@code ?consistent}. */
public enum Consistency { STALE, DEFAULT, CONSISTENT }
