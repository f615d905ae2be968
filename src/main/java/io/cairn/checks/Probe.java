package io.cairn.checks;

/** One way of looking at something's health: run once, say what was found. */
interface Probe {
  CheckResult run(CheckDefinition def) throws InterruptedException;
}
